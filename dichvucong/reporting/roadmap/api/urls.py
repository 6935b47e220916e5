"""API routes of this app, included into config/api_urls.py (namespace "api")."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "roadmap/<slug:plan>/progress/",
        views.PlanProgressView.as_view(),
        name="roadmap-plan-progress",
    ),
]
