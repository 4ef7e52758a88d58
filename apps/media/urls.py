from django.urls import path

from . import views

urlpatterns = [
    path("me/media/", views.dashboard, name="media-dashboard"),
    path("me/media/<str:kind>/upload/", views.upload, name="media-upload"),
    path("me/media/<str:kind>/<int:item_id>/delete/", views.delete, name="media-delete"),
]
