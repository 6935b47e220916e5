"""The officers' electronic one-stop system (pages; the API lives under /api/v1/backoffice/)."""

from django.urls import path  # noqa: F401

app_name = "backoffice"

urlpatterns: list = []
