"""The fixed set of computations an indicator can use, and the facts they read.

Each computation turns an agency's `Facts` for a period into a share between 0 and 1,
or None when there is nothing to measure (no dossier processed, no procedure with a
fee): such an indicator is left out of the agency's score rather than counted as zero.
docs/service-quality.md documents each one (what it measures, formula, source).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Computation


@dataclass(frozen=True)
class Facts:
    """What the computations read about one agency (or the province) in one period.

    Dossier figures come from the statistics (`dichvucong.reporting.selectors`), the
    catalogue facts from the procedures the agency implements as they are now, results
    and uploaded documents from their own tables.
    """

    received: int = 0
    received_online: int = 0
    processed: int = 0
    processed_on_time: int = 0  # early or on time
    processed_due: int = 0  # with a due date: early, on time or late
    in_progress: int = 0
    in_progress_within: int = 0
    paid_online: int = 0
    ratings: int = 0
    ratings_satisfied: int = 0  # "rất hài lòng" or "hài lòng"
    procedures: int = 0
    procedures_level1: int = 0
    procedures_level2: int = 0
    procedures_level3: int = 0
    procedures_level4: int = 0
    procedures_with_fee: int = 0
    procedures_payment_enabled: int = 0  # among those with a fee
    results_signed: int = 0
    dossiers_digitised: int = 0


def share(part: int, whole: int) -> Decimal | None:
    """Return part / whole (at most 1) to 4 decimals, or None when whole is 0."""
    if whole <= 0:
        return None
    value = Decimal(min(part, whole)) / Decimal(whole)
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


ComputeFunc = Callable[[Facts], Decimal | None]

COMPUTATIONS: dict[str, ComputeFunc] = {
    Computation.PROCEDURES_PUBLISHED: lambda f: share(f.procedures_level1, f.procedures),
    Computation.FORMS_DOWNLOADABLE: lambda f: share(f.procedures_level2, f.procedures),
    Computation.PROCESSED_ON_TIME: lambda f: share(f.processed_on_time, f.processed_due),
    Computation.IN_PROGRESS_WITHIN: lambda f: share(f.in_progress_within, f.in_progress),
    Computation.PROCEDURES_LEVEL3: lambda f: share(f.procedures_level3, f.procedures),
    Computation.PROCEDURES_LEVEL4: lambda f: share(f.procedures_level4, f.procedures),
    Computation.RECEIVED_ONLINE: lambda f: share(f.received_online, f.received),
    Computation.PAYMENT_ENABLED: lambda f: share(
        f.procedures_payment_enabled, f.procedures_with_fee
    ),
    Computation.PAID_ONLINE: lambda f: share(f.paid_online, f.received),
    Computation.RESULTS_SIGNED: lambda f: share(f.results_signed, f.processed),
    Computation.DOCUMENTS_DIGITISED: lambda f: share(f.dossiers_digitised, f.received),
    Computation.SATISFIED: lambda f: share(f.ratings_satisfied, f.ratings),
    Computation.RATED: lambda f: share(f.ratings, f.processed),
}


def compute(computation: str, facts: Facts) -> Decimal | None:
    """Return the share `computation` measures on `facts` (None: nothing to measure)."""
    return COMPUTATIONS[computation](facts)
