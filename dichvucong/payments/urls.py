"""The merchant side of the payment gateways: return pages and server-to-server calls."""

from django.urls import URLPattern

app_name = "payments"

urlpatterns: list[URLPattern] = []
