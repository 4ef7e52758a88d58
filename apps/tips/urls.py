from django.urls import path

from . import views

urlpatterns = [
    path("artists/<slug:slug>/tip/", views.tip, name="artist-tip"),
    path("me/revenue/", views.revenue, name="revenue"),
    path("me/revenue/statement.csv", views.revenue_statement_csv, name="revenue-statement-csv"),
    path("me/payouts/", views.pay_out, name="pay-out"),
    path("me/payouts/connect/", views.payout_connect, name="payout-connect"),
    path("me/payouts/return/", views.payout_return, name="payout-return"),
    path("me/payouts/refresh/", views.payout_refresh, name="payout-refresh"),
    path("supporter/", views.supporter, name="supporter"),
    path("supporter/subscribe/", views.supporter_subscribe, name="supporter-subscribe"),
    path("supporter/cancel/", views.supporter_cancel, name="supporter-cancel"),
]
