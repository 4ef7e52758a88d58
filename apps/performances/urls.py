from django.urls import path

from . import views

urlpatterns = [
    path("performances/<int:pk>/", views.performance_detail, name="performance-detail"),
]
