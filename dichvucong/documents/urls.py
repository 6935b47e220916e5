"""Public verification of signed documents."""

from django.urls import URLPattern, path

from dichvucong.results import views as results_views

app_name = "verify"

urlpatterns: list[URLPattern] = [
    path("<uuid:uuid>/", results_views.verify_result, name="result"),
]
