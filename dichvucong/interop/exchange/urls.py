from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "exchange"

urlpatterns: list[URLPattern | URLResolver] = []
