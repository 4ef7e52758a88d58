from django.urls import path, re_path

from . import views

urlpatterns = [
    # The display's short address for guests who cannot scan: typed by hand, so no slash needed.
    re_path(r"^j/(?P<code>[A-Za-z0-9]{0,20})/?$", views.join_by_code, name="event-join-code"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/join/", views.event_join, name="event-join"),
    path("events/<int:pk>/vote/", views.vote, name="event-vote"),
    path("events/<int:pk>/display/", views.event_display, name="event-display"),
    path("events/<int:pk>/display/start/", views.display_start, name="event-display-start"),
    path("events/<int:pk>/display/ended/", views.display_ended, name="event-display-ended"),
]
