"""Version 1 of the read API."""

from django.urls import path

from dichvucong.catalogue.api import views as catalogue
from dichvucong.organizations.api import views as organizations

app_name = "api"

urlpatterns = [
    path("procedures/", catalogue.ProcedureListView.as_view(), name="procedure-list"),
    path(
        "procedures/<str:code>/", catalogue.ProcedureDetailView.as_view(), name="procedure-detail"
    ),
    path(
        "procedures/<str:code>/versions/",
        catalogue.ProcedureVersionListView.as_view(),
        name="procedure-versions",
    ),
    path("fields/", catalogue.FieldListView.as_view(), name="field-list"),
    path("agencies/", organizations.AgencyListView.as_view(), name="agency-list"),
    path("agencies/<str:code>/", organizations.AgencyDetailView.as_view(), name="agency-detail"),
    path(
        "administrative-units/",
        organizations.AdministrativeUnitListView.as_view(),
        name="administrative-unit-list",
    ),
]
