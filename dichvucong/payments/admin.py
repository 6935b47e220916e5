"""Payments in the admin: read-only, the event log inline; the gateway alone changes them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Payment, PaymentEvent, PaymentRequest


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PaymentEventInline(ReadOnlyMixin, admin.TabularInline):
    model = PaymentEvent
    fields = ("created_at", "kind", "outcome", "from_status", "to_status", "note", "params")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["txn_ref", "dossier", "amount", "status", "flag", "created_at", "paid_at"]
    list_filter = ["status", "flag", "provider"]
    search_fields = ["txn_ref", "transaction_no", "dossier__code"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"
    inlines = [PaymentEventInline]
    exclude = ["payment_url", "idempotency_key"]


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "stage", "total", "created_at", "paid_at", "cancelled_at"]
    list_filter = ["stage"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "payment", "kind", "outcome", "from_status", "to_status"]
    list_filter = ["kind", "outcome"]
    search_fields = ["payment__txn_ref"]
    list_select_related = ["payment"]
