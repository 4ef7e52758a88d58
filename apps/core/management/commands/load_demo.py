from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load the demo city, artists and accounts. Safe to run again: it only adds what is missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Migrate the database first, in this process (make run saves a start-up this way).",
        )

    def handle(self, *args, **options) -> None:
        if options["migrate"]:
            call_command("migrate", interactive=False, skip_checks=True, verbosity=options["verbosity"])
        # settings.DEMO_LOADERS names each app's loader, lowest layer first; each may return
        # the (role, email) of demo accounts it made. A later role for an email wins.
        sign_ins: dict[str, str] = {}
        for dotted in settings.DEMO_LOADERS:
            for role, email in import_string(dotted)() or []:
                sign_ins.pop(email, None)
                sign_ins[email] = role
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with any of these:"))
        width = max((len(email) for email in sign_ins), default=0)
        for email, role in sign_ins.items():
            self.stdout.write(f"  {email:<{width}}  password: {settings.DEMO_PASSWORD}  ({role})")
