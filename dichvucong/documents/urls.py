"""Public verification of signed documents."""

from django.urls import URLPattern

app_name = "verify"

urlpatterns: list[URLPattern] = []
