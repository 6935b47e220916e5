"""`manage.py check`: the synchronisation switched on with settings that cannot work."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from .client import NationalConfigError, national_config


@register()
def national_sync_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report NATIONAL_SYNC_ENABLED with a missing endpoint or credentials."""
    if not getattr(settings, "NATIONAL_SYNC_ENABLED", False):
        return []
    try:
        national_config()
    except NationalConfigError as error:
        return [Error(str(error), id="national_sync.E001")]
    return []
