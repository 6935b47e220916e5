"""The officers' electronic one-stop system (pages; the API lives under /api/v1/backoffice/)."""

from django.urls import path

from . import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.login, name="login"),
    path("xac-thuc/", views.verify, name="verify"),
    path("thiet-lap-xac-thuc/", views.setup, name="setup"),
    path("dang-xuat/", views.logout, name="logout"),
]
