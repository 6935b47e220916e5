"""The merchant side of the payment gateways: return pages and server-to-server calls."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("vnpay/ipn/", views.vnpay_ipn, name="vnpay-ipn"),
    path("vnpay/return/", views.vnpay_return, name="vnpay-return"),
    path("ho-so/<str:code>/thanh-toan/", views.dossier_pay, name="dossier-pay"),
    path(
        "ho-so/<str:code>/bien-lai/<int:pk>/",
        views.receipt_for_applicant,
        name="receipt",
    ),
    path(
        "mot-cua/ho-so/<str:code>/bien-lai/<int:pk>/",
        views.receipt_for_officer,
        name="officer-receipt",
    ),
]
