"""The officers' electronic one-stop system (pages; the API lives under /api/v1/backoffice/)."""

from django.urls import include, path

from . import dossier_views, intake_views, views, workflow_views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.login, name="login"),
    path("xac-thuc/", views.verify, name="verify"),
    path("thiet-lap-xac-thuc/", views.setup, name="setup"),
    path("dang-xuat/", views.logout, name="logout"),
    path("ho-so/", dossier_views.inbox, name="inbox"),
    path("ho-so/<str:code>/", dossier_views.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/thao-tac/", dossier_views.dossier_action, name="dossier-action"),
    path(
        "ho-so/<str:code>/tep/<int:pk>/", dossier_views.document_download, name="dossier-document"
    ),
    path(
        "ho-so/<str:code>/tep-thao-tac/<int:pk>/",
        dossier_views.attachment_download,
        name="dossier-attachment",
    ),
    path("ho-so/<str:code>/", include("dichvucong.results.backoffice_urls")),
    path("so-theo-doi/", dossier_views.register, name="register"),
    path("tiep-nhan/", intake_views.intake, name="intake"),
    path("tiep-nhan/<str:code>/", intake_views.intake_paper, name="intake-paper"),
    path("nop-ho-tro/", intake_views.assisted, name="assisted"),
    path("nop-ho-tro/<str:code>/", intake_views.assisted_form, name="assisted-form"),
    path("quy-trinh/", workflow_views.workflow_list, name="workflows"),
    path("quy-trinh/nhap/", workflow_views.workflow_import, name="workflow-import"),
    path("quy-trinh/<int:pk>/", workflow_views.workflow_detail, name="workflow"),
    path("quy-trinh/<int:pk>/yaml/", workflow_views.workflow_yaml, name="workflow-yaml"),
]
