from django.core.management.base import BaseCommand

from apps.accounts import demo as accounts_demo
from apps.core import background
from apps.curation import demo as curation_demo
from apps.media import demo as media_demo
from apps.performances import demo as performances_demo
from apps.tips import demo as tips_demo
from apps.venues import demo as venues_demo


class Command(BaseCommand):
    help = "Load the demo city, artists and accounts. Safe to run again: it only adds what is missing."

    def handle(self, *args, **options) -> None:
        performances_demo.load()
        accounts = accounts_demo.load()
        performances_demo.load_performances()
        media_demo.load()
        # Demo media is processed in the background; the jukebox's pool needs it ready.
        background.drain()
        accounts += tips_demo.load()
        staff = venues_demo.load()
        curation_demo.load()
        staff_emails = {email for _, email in staff}
        accounts = [(role, email) for role, email in accounts if email not in staff_emails] + staff
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with any of these:"))
        width = max(len(email) for _, email in accounts)
        for role, email in accounts:
            self.stdout.write(f"  {email:<{width}}  password: {accounts_demo.DEMO_PASSWORD}  ({role})")
