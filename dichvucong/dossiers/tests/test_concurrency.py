"""Parallel submissions on PostgreSQL: codes are never duplicated and have no gaps."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from conftest import make_applicant
from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import services
from dichvucong.dossiers.models import Dossier, DossierSequence

from .fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
PER_THREAD = 5


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency are tested on PostgreSQL")


def _run_parallel(work: Any, count: int) -> list[Any]:
    barrier = threading.Barrier(count)

    def run(index: int) -> Any:
        try:
            barrier.wait(timeout=30)
            return work(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_parallel_submissions_get_distinct_gap_free_codes(
    province: Any, online_procedure: Procedure
) -> None:
    applicants = [
        make_applicant(f"songsong{i}", citizen_id=f"0740900099{i:02d}") for i in range(THREADS)
    ]

    def work(index: int) -> list[str]:
        codes = []
        for n in range(PER_THREAD):
            result = services.dossier_submit(
                applicant=applicants[index],
                procedure=online_procedure,
                form_data=dict(EXAMPLE),
                files={ID_COPY_FIELD: [pdf_upload()]},
                idempotency_key=f"k-{index}-{n}",
            )
            codes.append(result.dossier.code or "")
        return codes

    codes = [code for chunk in _run_parallel(work, THREADS) for code in chunk]
    total = THREADS * PER_THREAD
    prefix = f"000.00.01.H10-{timezone.localdate():%y%m%d}-"
    assert len(codes) == total
    assert len(set(codes)) == total
    assert sorted(codes) == [f"{prefix}{n:04d}" for n in range(1, total + 1)]
    assert Dossier.objects.count() == total
    assert DossierSequence.objects.get().last == total


def test_parallel_retries_with_one_key_make_one_dossier(
    citizen: Any, online_procedure: Procedure
) -> None:
    def work(_index: int) -> tuple[str, bool]:
        result = services.dossier_submit(
            applicant=citizen,
            procedure=online_procedure,
            form_data=dict(EXAMPLE),
            files={ID_COPY_FIELD: [pdf_upload()]},
            idempotency_key="the-same-key",
        )
        return result.dossier.code or "", result.replayed

    results = _run_parallel(work, 6)
    assert len({code for code, _ in results}) == 1
    assert sorted(replayed for _, replayed in results) == [False, True, True, True, True, True]
    assert Dossier.objects.count() == 1
    # The losers' numbers were given back: the sequence stays gap-free.
    assert DossierSequence.objects.get().last == 1


def test_concurrent_actions_on_one_dossier_cannot_both_succeed(
    citizen: Any, online_procedure: Procedure, officers: dict[str, Any]
) -> None:
    from dichvucong.dossiers.actions import (
        ActionNotAllowed,
        ActionRequest,
        dossier_action_execute,
    )

    dossier = services.dossier_submit(
        applicant=citizen,
        procedure=online_procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key="k-race",
    ).dossier
    # Half the officers accept, half refuse, at the same instant.
    actions = ["accept", "refuse"] * (THREADS // 2)

    def work(index: int) -> str:
        try:
            dossier_action_execute(
                dossier=dossier,
                actor=officers["reception"],
                request=ActionRequest(action=actions[index], comment="Cùng lúc"),
            )
        except ActionNotAllowed:
            return "refused"
        return actions[index]

    outcomes = _run_parallel(work, THREADS)
    assert outcomes.count("refused") == THREADS - 1
    winner = next(o for o in outcomes if o != "refused")
    dossier.refresh_from_db()
    assert dossier.status == ("new" if winner == "accept" else "denied")
    assert list(dossier.events.values_list("action", flat=True)) == ["submitted", winner]
    assert dossier.register_number == (1 if winner == "accept" else None)
