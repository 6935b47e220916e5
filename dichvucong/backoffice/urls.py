"""The officers' electronic one-stop system (pages; the API lives under /api/v1/backoffice/)."""

from django.urls import path

from . import dossier_views, views

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
    path("so-theo-doi/", dossier_views.register, name="register"),
]
