"""Product settings owned by tips, pulled into ``config.settings.base``.

Read them as ``django.conf.settings.X``; tests override them with ``settings`` or
``override_settings`` like any other setting. Every amount is in minor units (cents) of
TIPS_CURRENCY.
"""

from django.core.exceptions import ImproperlyConfigured

from apps.core.env import env

# Tips (apps.tips.services, the tip page and the API): the currency of every amount, the
# buttons the tip page offers, and the smallest and largest tip taken.
TIPS_CURRENCY = env.str("TIPS_CURRENCY", default="eur").lower()
TIP_PRESET_AMOUNTS = [200, 500, 1000]
TIP_MIN_AMOUNT = env.positive_int("TIP_MIN_AMOUNT", 100)
TIP_MAX_AMOUNT = env.positive_int("TIP_MAX_AMOUNT", 50_000)
if TIP_MIN_AMOUNT > TIP_MAX_AMOUNT:
    raise ImproperlyConfigured("TIP_MIN_AMOUNT must not be above TIP_MAX_AMOUNT")

# What a card payment costs, booked in the ledger (apps.tips.money.processor_fee): basis points of
# the amount plus a fixed part.
STRIPE_FEE_BASIS_POINTS = env.int("STRIPE_FEE_BASIS_POINTS", default=150)
STRIPE_FEE_FIXED = env.int("STRIPE_FEE_FIXED", default=25)

# Payouts (apps.tips.services and the nightly task): an artist is paid once their balance
# reaches this.
PAYOUT_MINIMUM_AMOUNT = env.positive_int("PAYOUT_MINIMUM_AMOUNT", 500)

# Supporters: the monthly fee, and the platform's share of it in basis points (10% = 1000);
# the rest is split among artists by the month's engagement (apps.tips.engagement,
# apps.tips.split). Weighted engagement E = sum(weight(kind) x count), and one artist earns
# at most the cap from one supporter per day.
SUPPORTER_MONTHLY_FEE = env.positive_int("SUPPORTER_MONTHLY_FEE", 500)
SUPPORTER_PLATFORM_SHARE_BASIS_POINTS = env.int("SUPPORTER_PLATFORM_SHARE_BASIS_POINTS", default=1000)
SUPPORTER_ENGAGEMENT_WEIGHTS = {"play": 1, "like": 3, "vote": 2, "view": 1}
SUPPORTER_DAILY_CAP_PER_ARTIST = env.positive_int("SUPPORTER_DAILY_CAP_PER_ARTIST", 200)
