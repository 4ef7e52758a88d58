from django.urls import path

from .consumers import MapConsumer, PerformanceConsumer

websocket_urlpatterns = [
    path("map/", MapConsumer.as_asgi()),
    path("performances/<int:pk>/", PerformanceConsumer.as_asgi()),
]
