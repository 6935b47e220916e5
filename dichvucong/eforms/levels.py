"""Level 3 (Circular 32/2017 Art. 5(3)): an e-form to fill in and online submission on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dichvucong.catalogue.levels import Requirement, register
from dichvucong.catalogue.models import Procedure, ProcedureVersion

from .models import EForm


def _has_eform(procedure: Procedure, version: ProcedureVersion) -> bool:
    return EForm.objects.filter(procedure=procedure).exists()


def _online_submission_enabled(procedure: Procedure, version: ProcedureVersion) -> bool:
    return procedure.online_submission_enabled


def register_level_3_requirements() -> None:
    """Register the two requirements of level 3 in the catalogue's registry."""
    register(
        Requirement(
            level=3,
            key="eform",
            label=_("Có biểu mẫu điện tử để điền và nộp trực tuyến"),
            check=_has_eform,
        )
    )
    register(
        Requirement(
            level=3,
            key="online_submission",
            label=_("Đã bật tiếp nhận hồ sơ trực tuyến"),
            check=_online_submission_enabled,
        )
    )
