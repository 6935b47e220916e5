"""Version 1 of the read API. Public reads are cached (see core/cache.py)."""

from django.urls import include, path

from dichvucong.accounts.api import views as accounts
from dichvucong.catalogue.api import views as catalogue
from dichvucong.core.cache import cache_public_json
from dichvucong.documents.api import views as documents
from dichvucong.dossiers.api import backoffice
from dichvucong.dossiers.api import forms as dossier_forms
from dichvucong.dossiers.api import views as dossiers
from dichvucong.feedback.api import views as feedback
from dichvucong.organizations.api import views as organizations
from dichvucong.payments.api import views as payments
from dichvucong.results.api import views as results

app_name = "api"

urlpatterns = [
    path("auth/token/", accounts.AuthTokenView.as_view(), name="auth-token"),
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
    path("procedures/<str:code>/eform/", dossiers.EFormView.as_view(), name="procedure-eform"),
    path("dossiers/", dossiers.DossierListCreateView.as_view(), name="dossier-list"),
    path("dossiers/<str:code>/", dossiers.DossierDetailView.as_view(), name="dossier-detail"),
    path(
        "dossiers/<str:code>/withdraw/",
        dossiers.DossierWithdrawView.as_view(),
        name="dossier-withdraw",
    ),
    path(
        "dossiers/<str:code>/rating/",
        feedback.DossierRatingView.as_view(),
        name="dossier-rating",
    ),
    path(
        "dossiers/<str:code>/forms/",
        dossier_forms.ApplicantFormListView.as_view(),
        name="dossier-form-list",
    ),
    path(
        "dossiers/<str:code>/forms/<int:number>/",
        dossier_forms.ApplicantFormView.as_view(),
        name="dossier-form",
    ),
    path("dossiers/<str:code>/result/", results.DossierResultView.as_view(), name="dossier-result"),
    path(
        "dossiers/<str:code>/payments/",
        payments.DossierPaymentListView.as_view(),
        name="dossier-payment-list",
    ),
    path(
        "dossiers/<str:code>/payments/<int:pk>/receipt/",
        payments.DossierPaymentReceiptView.as_view(),
        name="dossier-payment-receipt",
    ),
    path("lookup/<str:code>/", dossiers.LookupView.as_view(), name="lookup"),
    path("verify/", documents.VerifyView.as_view(), name="verify"),
    path(
        "backoffice/dossiers/",
        backoffice.OfficerQueueView.as_view(),
        name="backoffice-dossier-list",
    ),
    path(
        "backoffice/dossiers/<str:code>/",
        backoffice.OfficerDossierView.as_view(),
        name="backoffice-dossier-detail",
    ),
    path(
        "backoffice/dossiers/<str:code>/actions/",
        backoffice.OfficerActionView.as_view(),
        name="backoffice-dossier-action",
    ),
    path(
        "backoffice/dossiers/<str:code>/forms/",
        dossier_forms.OfficerFormListView.as_view(),
        name="backoffice-dossier-form-list",
    ),
    path(
        "backoffice/dossiers/<str:code>/forms/<int:number>/",
        dossier_forms.OfficerFormView.as_view(),
        name="backoffice-dossier-form",
    ),
    path(
        "backoffice/register/",
        dossier_forms.OfficerRegisterView.as_view(),
        name="backoffice-register",
    ),
    # Each app's own routes (their modules hold them; names stay in this namespace).
    path("", include("dichvucong.reporting.api.urls")),
    path("", include("dichvucong.reporting.roadmap.api.urls")),
    path("", include("dichvucong.reporting.periodic.api.urls")),
    path("", include("dichvucong.reporting.quality.api.urls")),
    path("", include("dichvucong.interop.api.urls")),
    path("", include("dichvucong.interop.exchange.api.urls")),
    path("", include("dichvucong.interop.national.api.urls")),
]
