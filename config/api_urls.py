"""Version 1 of the read API. Public reads are cached (see core/cache.py)."""

from django.urls import path

from dichvucong.catalogue.api import views as catalogue
from dichvucong.core.cache import cache_public_json
from dichvucong.organizations.api import views as organizations

app_name = "api"

urlpatterns = [
    path(
        "procedures/",
        cache_public_json("procedure-list")(catalogue.ProcedureListView.as_view()),
        name="procedure-list",
    ),
    path(
        "procedures/<str:code>/",
        cache_public_json("procedure-detail")(catalogue.ProcedureDetailView.as_view()),
        name="procedure-detail",
    ),
    path(
        "procedures/<str:code>/versions/",
        catalogue.ProcedureVersionListView.as_view(),
        name="procedure-versions",
    ),
    path(
        "fields/",
        cache_public_json("field-list")(catalogue.FieldListView.as_view()),
        name="field-list",
    ),
    path(
        "agencies/",
        cache_public_json("agency-list")(organizations.AgencyListView.as_view()),
        name="agency-list",
    ),
    path("agencies/<str:code>/", organizations.AgencyDetailView.as_view(), name="agency-detail"),
    path(
        "administrative-units/",
        cache_public_json("unit-list")(organizations.AdministrativeUnitListView.as_view()),
        name="administrative-unit-list",
    ),
]
