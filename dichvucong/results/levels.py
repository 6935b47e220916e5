"""Level 4 (Circular 32/2017 Art. 5(4)): the result is issued online, signed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dichvucong.catalogue.levels import Requirement, register
from dichvucong.catalogue.models import Procedure, ProcedureVersion


def _online_result_enabled(procedure: Procedure, version: ProcedureVersion) -> bool:
    # A procedure without a template of its own uses the default one, which always renders.
    return procedure.online_result_enabled


def register_level_4_requirements() -> None:
    """Register the online-result requirement of level 4 in the catalogue's registry."""
    register(
        Requirement(
            level=4,
            key="online_result",
            label=_("Đã bật trả kết quả điện tử có ký số (mẫu của thủ tục hoặc mẫu mặc định)"),
            check=_online_result_enabled,
        )
    )
