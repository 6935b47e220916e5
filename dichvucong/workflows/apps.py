from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "dichvucong.workflows"
    verbose_name = _("Quy trình xử lý")
