"""Public verification of signed documents."""

from django.urls import URLPattern, path

from dichvucong.results import views as results_views

from . import views

app_name = "verify"

urlpatterns: list[URLPattern] = [
    path("", views.verify_upload, name="upload"),
    path("roots/", views.trust_roots, name="roots"),
    path("<uuid:uuid>/", results_views.verify_result, name="result"),
]
