"""Template tags for the sign-in with the national identity provider."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def oidc_login_options() -> dict[str, object]:
    """Return whether OIDC sign-in is on and the label of its button (OIDC_LOGIN_LABEL)."""
    return {
        "enabled": settings.OIDC_ENABLED,
        "label": settings.OIDC_LOGIN_LABEL
        or _("Đăng nhập bằng tài khoản định danh điện tử (VNeID)"),
    }
