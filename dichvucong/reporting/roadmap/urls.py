from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "roadmap"

urlpatterns: list[URLPattern | URLResolver] = []
