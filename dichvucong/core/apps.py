from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _forget_calendar(**kwargs: Any) -> None:
    """Forget the cached calendar overrides: the database was migrated or flushed."""
    from .workdays import calendar_cache_clear

    calendar_cache_clear()


class CoreConfig(AppConfig):
    name = "dichvucong.core"
    verbose_name = _("Lịch làm việc")

    def ready(self) -> None:
        from . import lookups  # noqa: F401  (registers the `words` lookup)
        from .workdays import office_hours, reception_cutoff

        # A misconfigured office time must stop the start, not the first deadline.
        office_hours()
        reception_cutoff()
        post_migrate.connect(_forget_calendar, sender=self)
