"""API routes of this app, included into config/api_urls.py (namespace "api")."""

from django.urls import URLPattern, URLResolver, path

from .views import StatisticsView

urlpatterns: list[URLPattern | URLResolver] = [
    path("statistics/", StatisticsView.as_view(), name="statistics"),
]
