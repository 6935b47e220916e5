"""Public transparency pages and open data downloads, under /cong-khai/."""

from django.urls import URLPattern, URLResolver, path, re_path

from . import views

app_name = "service_quality"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency-detail"),
    path("phuong-phap/", views.method, name="method"),
    path("du-lieu-mo/", views.open_data, name="open-data"),
    re_path(
        r"^du-lieu-mo/(?P<slug>[a-z-]+)\.(?P<extension>csv|json)$",
        views.open_data_download,
        name="open-data-download",
    ),
]
