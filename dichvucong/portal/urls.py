from django.urls import path

from . import dossier_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_search, name="procedure-search"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure-detail"),
    path(
        "thu-tuc/<str:code>/phien-ban/<int:number>/",
        views.procedure_detail,
        name="procedure-version",
    ),
    path("co-quan/", views.agency_index, name="agency-index"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency-detail"),
    path("co-quan/<str:code>/nhung/", views.agency_embed, name="agency-embed"),
    path("bieu-mau/<int:pk>/tai-ve/", views.form_download, name="form-download"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", dossier_views.dossier_apply, name="dossier-apply"),
    path("ho-so-cua-toi/", dossier_views.my_dossiers, name="my-dossiers"),
    path("ho-so-cua-toi/nhap/<int:pk>/", dossier_views.draft_edit, name="draft-edit"),
    path("ho-so-cua-toi/nhap/<int:pk>/xoa/", dossier_views.draft_delete, name="draft-delete"),
    path(
        "ho-so-cua-toi/tep/<int:dossier_pk>/<int:pk>/",
        dossier_views.document_download,
        name="dossier-document",
    ),
    path("ho-so-cua-toi/<str:code>/", dossier_views.dossier_detail, name="dossier-detail"),
    path("ho-so-cua-toi/<str:code>/rut/", dossier_views.dossier_withdraw, name="dossier-withdraw"),
    path(
        "ho-so-cua-toi/<str:code>/bo-sung/",
        dossier_views.dossier_supplement,
        name="dossier-supplement",
    ),
    path("ho-so-cua-toi/<str:code>/danh-gia/", dossier_views.dossier_rate, name="dossier-rate"),
    path(
        "ho-so-cua-toi/<str:code>/mau/<int:number>/",
        dossier_views.dossier_form,
        name="dossier-form",
    ),
    path("tra-cuu-ho-so/", dossier_views.dossier_lookup, name="dossier-lookup"),
]
