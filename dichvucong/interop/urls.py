from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "interop"

urlpatterns: list[URLPattern | URLResolver] = []
