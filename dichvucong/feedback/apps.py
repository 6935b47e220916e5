from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "dichvucong.feedback"
    verbose_name = _("Đánh giá, phản ánh")
