from django.urls import path

from .consumers import NotificationsConsumer

websocket_urlpatterns = [path("me/", NotificationsConsumer.as_asgi())]
