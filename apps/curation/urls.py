from django.urls import path

from . import stats_views, views

urlpatterns = [
    path("collections/", views.collection_list, name="collection-list"),
    path("collections/<slug:slug>/", views.collection_detail, name="collection-detail"),
    path("me/stats/", stats_views.stats, name="artist-stats"),
    path("me/stats.csv", stats_views.stats_csv, name="artist-stats-csv"),
]
