from django.urls import path

from .consumers import EventConsumer

websocket_urlpatterns = [path("events/<int:pk>/", EventConsumer.as_asgi())]
