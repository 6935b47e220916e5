"""The stand-in's paths: those of national/client.py's PATHS."""

from django.urls import path

from . import views

urlpatterns = [
    path("token", views.token, name="standin-token"),
    path("hoso/lay-ma-ho-so", views.next_code, name="standin-next-code"),
    path("tep-tin", views.upload, name="standin-upload"),
    path("hoso", views.create, name="standin-create"),
    path("hoso/tien-do", views.progress, name="standin-progress"),
    path("hoso/trang-thai", views.status, name="standin-status"),
]
