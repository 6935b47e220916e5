"""The sandbox gateway bundled with the project: the gateway side of the VNPay protocol."""

from django.urls import URLPattern

app_name = "sandbox"

urlpatterns: list[URLPattern] = []
