from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "national_sync"

urlpatterns: list[URLPattern | URLResolver] = []
