from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "reporting"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
]
