"""Notifications administration: the outbox with its errors, and a resend action.

Everything here is read-only; the one change an administrator makes is "Gửi lại", which
goes through `delivery_retry`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Delivery, DeliveryStatus, Notification
from .services import delivery_retry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "user", "event", "created_at", "read_at"]
    list_filter = ["event"]
    search_fields = ["title", "user__username", "user__email"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "recipient",
        "channel",
        "status",
        "attempts",
        "short_error",
        "created_at",
        "last_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["recipient"]
    actions = ["resend"]
    date_hierarchy = "created_at"

    @admin.display(description=_("lỗi gần nhất"))
    def short_error(self, obj: Delivery) -> str:
        return Truncator(obj.last_error).chars(80)

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_delivery")

    @admin.action(description=_("Gửi lại"), permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        queued = 0
        skipped = 0
        for delivery in queryset:
            try:
                delivery_retry(delivery=delivery)
            except ValidationError:
                skipped += 1
            else:
                queued += 1
        if queued:
            self.message_user(
                request,
                ngettext(
                    "Đã xếp %(count)d lượt gửi vào hàng đợi để gửi lại.",
                    "Đã xếp %(count)d lượt gửi vào hàng đợi để gửi lại.",
                    queued,
                )
                % {"count": queued},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "Bỏ qua %(count)d lượt gửi không ở trạng thái “%(status)s”.",
                    "Bỏ qua %(count)d lượt gửi không ở trạng thái “%(status)s”.",
                    skipped,
                )
                % {"count": skipped, "status": DeliveryStatus.FAILED.label},
                messages.WARNING,
            )
