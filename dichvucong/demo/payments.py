"""Online payment in the demo: two procedures with fees paid through the sandbox gateway.

- 1.502011.000.00.00.H10 Đăng ký thành lập hộ kinh doanh: a fixed 100.000 đồng.
- 1.701088.000.00.00.H10 Cấp bản sao trích lục hộ tịch: 3.000 đồng a copy.

The demo merchant is the settings' default (terminal DVCDEMO1 at the bundled sandbox).
"""

from __future__ import annotations

from dichvucong.catalogue.models import Fee, FeeBasis, Procedure
from dichvucong.payments.services import procedure_online_payment_set

DEMO_PAYMENT_PROCEDURES: dict[str, str] = {
    "1.502011.000.00.00.H10": FeeBasis.FIXED,
    "1.701088.000.00.00.H10": FeeBasis.PER_COPY,
}


def demo_payments_load() -> int:
    """Turn online payment on for the demo procedures with fees; return how many changed."""
    changed = 0
    for procedure in Procedure.objects.filter(code__in=DEMO_PAYMENT_PROCEDURES):
        basis = DEMO_PAYMENT_PROCEDURES[procedure.code]
        changed += (
            Fee.objects.filter(processing_time__case__version__procedure=procedure)
            .exclude(basis=basis)
            .update(basis=basis)
        )
        if not procedure.online_payment_enabled:
            procedure_online_payment_set(procedure=procedure, enabled=True)
            changed += 1
    return changed
