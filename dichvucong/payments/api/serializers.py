"""Shapes of the payment API's answers."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import Payment, PaymentRequest


class FeeLineSerializer(serializers.Serializer[Any]):
    fee = serializers.IntegerField(help_text="The catalogue fee's id.")
    kind = serializers.CharField(help_text="PHI (fee) or LEPHI (charge).")
    name = serializers.CharField()
    basis = serializers.CharField(help_text="fixed, per_copy or per_page.")
    unit_amount = serializers.IntegerField(help_text="VND per unit.")
    quantity = serializers.IntegerField()
    exempt = serializers.BooleanField()
    discount = serializers.IntegerField(help_text="VND taken off for an online dossier.")
    amount = serializers.IntegerField(help_text="VND due for this line.")


class PaymentRequestSerializer(serializers.ModelSerializer[PaymentRequest]):
    lines = FeeLineSerializer(many=True)

    class Meta:
        model = PaymentRequest
        fields = [
            "id",
            "stage",
            "lines",
            "total",
            "discount_percent",
            "exemption_reason",
            "created_at",
            "paid_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    status_display = serializers.CharField(source="get_status_display")
    request = serializers.IntegerField(source="request_id")
    receipt_url = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "request",
            "txn_ref",
            "amount",
            "status",
            "status_display",
            "payment_url",
            "created_at",
            "expires_at",
            "paid_at",
            "transaction_no",
            "bank_code",
            "receipt_url",
        ]
        read_only_fields = fields

    def get_receipt_url(self, payment: Payment) -> str | None:
        """The receipt's API address once the payment is paid."""
        if payment.status != "paid":
            return None
        from django.urls import reverse

        path = reverse("api:dossier-payment-receipt", args=[payment.dossier.code, payment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class DossierPaymentsSerializer(serializers.Serializer[Any]):
    amount_due = serializers.IntegerField(help_text="VND the applicant may pay now (0: none).")
    due_lines = FeeLineSerializer(many=True)
    requests = PaymentRequestSerializer(many=True)
    payments = PaymentSerializer(many=True)
