"""The sandbox gateway in the administration: merchants, transactions, IPN calls."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    SandboxApiRequest,
    SandboxIpnAttempt,
    SandboxIpnDelivery,
    SandboxMerchant,
    SandboxTransaction,
)
from .services import sandbox_ipn_resend


class ReadOnlyAdmin(admin.ModelAdmin):
    """What the gateway recorded: shown, never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SandboxMerchant)
class SandboxMerchantAdmin(admin.ModelAdmin):
    list_display = ["tmn_code", "name", "ipn_url", "is_active"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["tmn_code", "name"]


DELIVERY_FIELDS = ("url", "status", "attempts", "last_rsp_code", "created_at", "delivered_at")
ATTEMPT_FIELDS = (
    "number",
    "sent_at",
    "duration_ms",
    "http_status",
    "rsp_code",
    "response_body",
    "error",
)


class IpnDeliveryInline(admin.TabularInline):
    model = SandboxIpnDelivery
    fields = DELIVERY_FIELDS
    readonly_fields = DELIVERY_FIELDS
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SandboxTransaction)
class SandboxTransactionAdmin(ReadOnlyAdmin):
    list_display = [
        "txn_ref",
        "tmn_code",
        "transaction_no",
        "amount_vnd",
        "outcome",
        "response_code",
        "transaction_status",
        "created_at",
    ]
    list_filter = ["outcome", "tmn_code"]
    search_fields = ["txn_ref", "transaction_no"]
    date_hierarchy = "created_at"
    inlines = [IpnDeliveryInline]

    @admin.display(description=_("số tiền (VND)"), ordering="amount")
    def amount_vnd(self, obj: SandboxTransaction) -> int:
        return obj.amount_vnd


class IpnAttemptInline(admin.TabularInline):
    model = SandboxIpnAttempt
    fields = ATTEMPT_FIELDS
    readonly_fields = ATTEMPT_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SandboxIpnDelivery)
class SandboxIpnDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["transaction", "url", "status", "attempts", "last_rsp_code", "created_at"]
    list_filter = ["status"]
    search_fields = ["transaction__txn_ref"]
    list_select_related = ["transaction"]
    inlines = [IpnAttemptInline]
    actions = ["resend"]

    @admin.action(description=_("Gửi lại IPN cho website"))
    def resend(self, request: HttpRequest, queryset: QuerySet[SandboxIpnDelivery]) -> None:
        count = 0
        for delivery in queryset:
            sandbox_ipn_resend(delivery=delivery)
            count += 1
        self.message_user(
            request,
            ngettext("Đã gửi lại %(count)d IPN.", "Đã gửi lại %(count)d IPN.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SandboxApiRequest)
class SandboxApiRequestAdmin(ReadOnlyAdmin):
    list_display = ["request_id", "command", "tmn_code", "txn_ref", "response_code", "created_at"]
    list_filter = ["command", "response_code"]
    search_fields = ["request_id", "txn_ref"]
