from django.urls import path

from . import views

urlpatterns = [
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/join/", views.event_join, name="event-join"),
    path("events/<int:pk>/vote/", views.vote, name="event-vote"),
    path("events/<int:pk>/display/", views.event_display, name="event-display"),
    path("events/<int:pk>/display/start/", views.display_start, name="event-display-start"),
    path("events/<int:pk>/display/ended/", views.display_ended, name="event-display-ended"),
]
