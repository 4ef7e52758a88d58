from django.urls import path

from . import views

urlpatterns = [
    path("artists/", views.artist_list, name="artist-list"),
    path("artists/<slug:slug>/", views.artist_detail, name="artist-detail"),
    path("artists/<slug:slug>/follow/", views.artist_follow, name="artist-follow"),
    path("me/artist/new/", views.artist_create, name="artist-create"),
    path("me/artist/edit/", views.artist_edit, name="artist-edit"),
    path("me/settings/", views.account_settings, name="account-settings"),
    path("me/notifications/", views.notification_list, name="notification-list"),
    path("me/notifications/read/", views.notifications_read, name="notifications-read"),
]
