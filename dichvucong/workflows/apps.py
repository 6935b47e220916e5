from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_default(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # Reference data, like content types: present after every migrate and every flush.
    from .services import workflow_default_ensure

    workflow_default_ensure(using=using)


class WorkflowsConfig(AppConfig):
    name = "dichvucong.workflows"
    verbose_name = _("Quy trình xử lý")

    def ready(self) -> None:
        post_migrate.connect(_ensure_default, sender=self, dispatch_uid="workflow-default")
