"""API routes of this app, included into config/api_urls.py (namespace "api")."""

from django.urls import URLPattern, URLResolver, path

from dichvucong.core.cache import cache_public_json

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "open-data/",
        cache_public_json("open-data-list")(views.OpenDataListView.as_view()),
        name="open-data-list",
    ),
    path(
        "open-data/<str:dataset>/",
        cache_public_json("open-data")(views.OpenDataView.as_view()),
        name="open-data",
    ),
]
