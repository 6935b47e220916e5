"""API routes of this app, included into config/api_urls.py (namespace "api")."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/periods/", views.PeriodListView.as_view(), name="report-periods"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
]
