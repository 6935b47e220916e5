"""The applicant's pages of electronic results (mounted at the site's root, beside the
portal's "My dossiers")."""

from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("ho-so-cua-toi/<str:code>/ket-qua/", views.result_download, name="download"),
    path("ho-so-cua-toi/<str:code>/buu-chinh/", views.postal_request, name="postal-request"),
    path("ho-so-cua-toi/<str:code>/buu-chinh/huy/", views.postal_cancel, name="postal-cancel"),
]
