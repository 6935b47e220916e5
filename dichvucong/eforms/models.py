"""E-forms (biểu mẫu điện tử): the interactive form an applicant fills in online.

A definition is a JSON Schema (draft 2020-12) with the project's conventions
(`definition.py`), a layout in sections and an example. One e-form applies to one case
of a procedure, or, with an empty case name, to every case of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EForm(models.Model):
    """The e-form of a procedure (or of one of its cases)."""

    procedure = models.ForeignKey(
        "catalogue.Procedure",
        verbose_name=_("thủ tục hành chính"),
        on_delete=models.CASCADE,
        related_name="eforms",
    )
    case_name = models.CharField(
        _("trường hợp"),
        max_length=500,
        blank=True,
        help_text=_("Để trống khi biểu mẫu dùng cho mọi trường hợp của thủ tục."),
    )
    title = models.CharField(_("tiêu đề"), max_length=500)
    schema = models.JSONField(_("lược đồ dữ liệu (JSON Schema)"), default=dict)
    layout = models.JSONField(_("bố cục"), default=dict)
    example = models.JSONField(_("dữ liệu mẫu"), default=dict)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("biểu mẫu điện tử")
        verbose_name_plural = _("biểu mẫu điện tử")
        ordering = ["procedure", "case_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "case_name"], name="eforms_unique_procedure_case"
            )
        ]

    def __str__(self) -> str:
        return self.title
