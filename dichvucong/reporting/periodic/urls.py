"""Pages of periodic reports: /mot-cua/bao-cao/."""

from django.urls import URLPattern, URLResolver, path, re_path

from . import views

app_name = "periodic_reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("mo-ky/", views.period_create, name="period-create"),
    path("<int:pk>/", views.period_detail, name="period"),
    path("<int:pk>/tong-hop/", views.consolidated, name="consolidated"),
    re_path(
        r"^(?P<pk>[0-9]+)/tong-hop/(?P<fmt>xlsx|pdf)/$",
        views.consolidated_export,
        name="consolidated-export",
    ),
    path("<int:pk>/<str:code>/", views.report_detail, name="report"),
    path("<int:pk>/<str:code>/tra-lai/", views.report_reopen, name="report-reopen"),
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<code>[^/]+)/(?P<fmt>xlsx|pdf)/$",
        views.report_export,
        name="report-export",
    ),
]
