from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.tips import services
from apps.tips.money import format_money
from apps.tips.periods import month_of, parse_month, previous_month


class Command(BaseCommand):
    help = (
        "Share each supporter's net money for a finished month among the artists they engaged "
        "with. Safe to run again: a supporter's month is split once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM, in the site's time zone (default: last month)")

    def handle(self, *args, month: str | None, **options) -> None:
        try:
            period = parse_month(month) if month else previous_month(month_of(timezone.now()))
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            run = services.split_supporter_money(period)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        label = f"{run.month:%Y-%m}"
        if run.supporters == 0 and run.skipped == 0:
            self.stdout.write(f"Nothing changed: no supporter had paid for {label} or before.")
            return
        if run.supporters == 0:
            self.stdout.write(
                f"Nothing changed: every supporter's {label} was already split or had nothing to share "
                f"({run.skipped} supporter(s) looked at)."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Split {label} for {run.supporters} supporter(s): "
                f"{format_money(run.allocated)} shared among artists, "
                f"{format_money(run.rolled_over)} rolled over to next month."
            )
        )
        if run.skipped:
            self.stdout.write(f"{run.skipped} other supporter(s) were already split or had nothing to share.")
