from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "service_quality"

urlpatterns: list[URLPattern | URLResolver] = []
