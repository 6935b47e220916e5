"""Template filters writing dates and times the Vietnamese way, in local time."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dichvucong.documents import circular01

register = template.Library()


@register.filter
def vn_date(value: date | None) -> str:
    """Render "ngày 05 tháng 3 năm 2026"; an empty string for None."""
    return "" if value is None else circular01.vn_date(value)


@register.filter
def vn_datetime(value: datetime | None) -> str:
    """Render "14 giờ 30 phút, ngày 27 tháng 11 năm 2026"; an empty string for None."""
    return "" if value is None else circular01.vn_datetime(value)


@register.filter
def vn_short_datetime(value: datetime | None) -> str:
    """Render "14:30 27/11/2026" (for table cells); an empty string for None."""
    return "" if value is None else circular01.vn_short_datetime(value)


@register.filter
def breakable_code(value: str) -> SafeString:
    """Render a code with line-break opportunities after its hyphens (for narrow cells)."""
    return mark_safe("-<wbr>".join(escape(part) for part in value.split("-")))  # noqa: S308


@register.filter
def bind_last_words(value: str) -> str:
    """Join the last two words with a no-break space, so a place name is never split.

    "Ủy ban nhân dân thị xã Đồng Xoài" wraps before "Đồng Xoài", not inside it.
    """
    head, _, last = value.rpartition(" ")
    if not head or " " not in head:
        return value
    before, _, word = head.rpartition(" ")
    return f"{before} {word}\N{NO-BREAK SPACE}{last}"
