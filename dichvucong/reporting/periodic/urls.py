from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "periodic_reports"

urlpatterns: list[URLPattern | URLResolver] = []
