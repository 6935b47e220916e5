from django.urls import URLPattern, URLResolver, include, path

from . import views

app_name = "national_sync"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.status_page, name="status"),
    path("gui-lai/", views.retry, name="retry"),
    # The stand-in for the national endpoint (404 unless NATIONAL_SYNC_STANDIN_ENABLED).
    path("standin/", include("dichvucong.interop.national.standin.urls")),
]
