from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from apps.core import backups


class Command(BaseCommand):
    help = "Back up the database and the media store into a new folder under TARGET."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", type=Path, help="Where to write the backup folder.")

    def handle(self, *args, target: Path, **options) -> None:  # noqa: ANN002, ANN003
        folder = backups.backup(target)
        self.stdout.write(f"Backed up to {folder}")
