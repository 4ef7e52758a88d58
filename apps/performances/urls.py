from django.urls import path

from . import views

urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("performances/<int:pk>/", views.performance_detail, name="performance-detail"),
    path("performances/<int:pk>/like/", views.performance_like, name="performance-like"),
    path("me/performances/", views.dashboard, name="performance-dashboard"),
    path("me/performances/places/", views.performance_places, name="performance-places"),
    path("me/performances/new/", views.performance_create, name="performance-create"),
    path("me/performances/<int:pk>/edit/", views.performance_edit, name="performance-edit"),
    path("me/performances/<int:pk>/go-live/", views.performance_go_live, name="performance-go-live"),
    path("me/performances/<int:pk>/end/", views.performance_end, name="performance-end"),
    path("me/performances/<int:pk>/cancel/", views.performance_cancel, name="performance-cancel"),
    path("me/performances/<int:pk>/delete/", views.performance_delete, name="performance-delete"),
]
