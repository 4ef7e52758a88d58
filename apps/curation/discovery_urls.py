from django.urls import path

from . import discovery_views as views

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/<slug:slug>/", views.area_detail, name="area-detail"),
    path("genres/<slug:slug>/", views.genre_detail, name="genre-detail"),
    path("for-you/", views.for_you_page, name="for-you"),
]
