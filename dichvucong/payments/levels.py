"""Level 4 (Circular 32/2017 Art. 5(4)): fees paid online where the procedure has fees."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dichvucong.catalogue.levels import Requirement, register
from dichvucong.catalogue.models import Fee, Procedure, ProcedureVersion


def _online_payment_where_fees(procedure: Procedure, version: ProcedureVersion) -> bool:
    if procedure.online_payment_enabled:
        return True
    return not Fee.objects.filter(processing_time__case__version=version, amount__gt=0).exists()


def register_level_4_requirements() -> None:
    """Register the payment requirement of level 4 in the catalogue's registry."""
    register(
        Requirement(
            level=4,
            key="online_payment",
            label=_("Đã bật thanh toán trực tuyến (với thủ tục có phí, lệ phí)"),
            check=_online_payment_where_fees,
        )
    )
