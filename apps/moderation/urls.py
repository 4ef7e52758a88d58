from django.urls import path

from . import views

urlpatterns = [
    # One address for every reportable kind; the key is the artist's slug or the item's id.
    path("reports/<str:kind>/<str:key>/", views.report, name="report"),
]
