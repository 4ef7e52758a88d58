from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core import backups


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the configured database, which must be new (no tables), "
        "and its files into the media store; then check the row counts against the backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="A folder written by `manage.py backup`.")

    def handle(self, *args, folder: Path, **options) -> None:  # noqa: ANN002, ANN003
        try:
            done = backups.restore(folder)
        except backups.RestoreRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            f"Restored {done['rows']} rows in {done['tables']} tables and {done['media_files']} media files."
        )
