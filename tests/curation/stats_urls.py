"""The site's URLs plus the stats pages and the area insights, until config/urls.py includes them."""

from django.contrib import admin
from django.urls import path

# Imported first: it registers the insights before the admin's URLs are built.
from apps.curation import admin_stats, stats_views  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("me/stats/", stats_views.stats, name="artist-stats"),
    path("me/stats.csv", stats_views.stats_csv, name="artist-stats-csv"),
    *site_urlpatterns,
]
