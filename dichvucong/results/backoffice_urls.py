"""The officers' pages of electronic results, included by `backoffice/urls.py` under
`ho-so/<code>/` (names in the backoffice namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("ket-qua/", views.officer_result_download, name="result-download"),
    path("ket-qua/phat-hanh-lai/", views.officer_result_retry, name="result-retry"),
    path("buu-chinh/", views.officer_postal_update, name="postal-update"),
]
