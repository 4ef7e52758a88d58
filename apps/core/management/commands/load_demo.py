from django.core.management.base import BaseCommand

from apps.accounts import demo as accounts_demo
from apps.core import background
from apps.media import demo as media_demo
from apps.performances import demo as performances_demo


class Command(BaseCommand):
    help = "Load the demo city, artists and accounts. Safe to run again: it only adds what is missing."

    def handle(self, *args, **options) -> None:
        performances_demo.load()
        accounts = accounts_demo.load()
        performances_demo.load_performances()
        media_demo.load()
        # Demo media is processed in the background; finish before the command exits.
        background.drain()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with any of these:"))
        width = max(len(email) for _, email in accounts)
        for role, email in accounts:
            self.stdout.write(f"  {email:<{width}}  password: {accounts_demo.DEMO_PASSWORD}  ({role})")
