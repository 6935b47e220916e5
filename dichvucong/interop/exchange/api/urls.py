"""API routes of this app, included into config/api_urls.py (namespace "api")."""

from django.urls import URLPattern, URLResolver, path  # noqa: F401

urlpatterns: list[URLPattern | URLResolver] = []
