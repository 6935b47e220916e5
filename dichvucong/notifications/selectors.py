"""Reads of notifications: a user only ever reads their own."""

from __future__ import annotations

from django.db.models import QuerySet

from dichvucong.accounts.models import User

from .models import Notification


def notification_list(*, user: User) -> QuerySet[Notification]:
    """Return `user`'s notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    """Return how many of `user`'s notifications are unread (one COUNT query)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
