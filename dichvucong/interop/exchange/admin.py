"""Administration of the exchange API: partners (with their agencies), the outbox
(filters, the alert flag, a resend action), the inbound log and exchanged dossiers.
Messages are read-only: they are the record of what was signed and sent."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    ExchangeDossier,
    InboundMessage,
    OutboundMessage,
    OutboundState,
    Partner,
    PartnerAgency,
)
from .services import outbound_message_resend


class PartnerAgencyInline(admin.TabularInline):
    model = PartnerAgency
    extra = 1
    autocomplete_fields = ["agency"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "base_url", "enabled", "created_at"]
    list_filter = ["enabled"]
    search_fields = ["name", "code"]
    inlines = [PartnerAgencyInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AlertFilter(admin.SimpleListFilter):
    title = _("cảnh báo")
    parameter_name = "alert"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Có cảnh báo")), ("no", _("Không"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(alerted_at__isnull=False).exclude(
                state=OutboundState.ACKNOWLEDGED
            )
        if self.value() == "no":
            return queryset.filter(alerted_at__isnull=True)
        return queryset


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    # What an administrator looks for first (is it stuck? since when?) comes first: the
    # list is wider than the page beside the admin's menu and the filters.
    list_display = [
        "created_at",
        "state",
        "alert",
        "attempts",
        "next_attempt_at",
        "type",
        "dossier",
        "partner_code",
        "recipient_agency_code",
        "message_id",
    ]
    list_filter = ["state", "type", "partner", AlertFilter]
    list_select_related = ["partner", "dossier"]
    search_fields = ["message_id", "dossier__code", "recipient_agency_code"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    @admin.display(description=_("đối tác"), ordering="partner__code")
    def partner_code(self, obj: OutboundMessage) -> str:
        return obj.partner.code

    @admin.display(description=_("cảnh báo"))
    def alert(self, obj: OutboundMessage) -> str:
        # Words, not the admin's boolean icon: its green tick would read "all is well".
        if obj.alerted_at is not None and obj.state != OutboundState.ACKNOWLEDGED:
            return gettext("Có cảnh báo")
        return ""

    @admin.action(description=_("Gửi lại ngay"))
    def resend(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        count = 0
        for message in queryset.exclude(state=OutboundState.ACKNOWLEDGED):
            outbound_message_resend(message=message)
            count += 1
        self.message_user(
            request,
            gettext("Đã đưa %(n)d thông điệp vào hàng đợi gửi lại.") % {"n": count},
            messages.SUCCESS,
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for the resend action; the form itself is read-only.
        return bool(request.user.is_active and request.user.is_staff)


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "type",
        "state",
        "error_code",
        "dossier",
        "partner_code",
        "sender_agency_code",
        "message_id",
    ]
    list_filter = ["state", "error_code", "type", "partner"]
    list_select_related = ["partner", "dossier"]
    search_fields = ["message_id", "dossier__code", "sender_agency_code"]
    date_hierarchy = "received_at"
    readonly_fields = [f.name for f in InboundMessage._meta.fields]

    @admin.display(description=_("đối tác"), ordering="partner__code")
    def partner_code(self, obj: InboundMessage) -> str:
        return obj.partner.code if obj.partner else ""


@admin.register(ExchangeDossier)
class ExchangeDossierAdmin(ReadOnlyAdmin):
    list_display = [
        "dossier",
        "direction",
        "partner",
        "remote_agency_code",
        "remote_dossier_code",
        "state",
        "remote_status",
        "outcome",
        "created_at",
    ]
    list_filter = ["direction", "state", "partner"]
    list_select_related = ["dossier", "partner"]
    search_fields = ["dossier__code", "remote_dossier_code", "origin_message_id"]
    readonly_fields = [f.name for f in ExchangeDossier._meta.fields]
