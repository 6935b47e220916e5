"""Parallel ratings of one dossier on PostgreSQL: exactly one is recorded."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from dichvucong.catalogue.models import Procedure
from dichvucong.feedback.models import Rating
from dichvucong.feedback.services import RatingAlreadyGiven, rating_submit

from .conftest import submit

# The default workflow, which migrations load, comes back after each flush (post_migrate).
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

THREADS = 6


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


def test_parallel_identical_ratings_record_one(citizen: Any, online_procedure: Procedure) -> None:
    dossier = submit(citizen, online_procedure, "p-1")

    def work(_index: int) -> int:
        return rating_submit(dossier=dossier, applicant=citizen, level="satisfied").pk

    ids = _run_parallel(work, THREADS)
    assert len(set(ids)) == 1
    assert list(Rating.objects.values_list("pk", "level")) == [(ids[0], "satisfied")]


def test_parallel_different_ratings_keep_the_first(
    citizen: Any, online_procedure: Procedure
) -> None:
    dossier = submit(citizen, online_procedure, "p-2")
    levels = ["very_satisfied", "satisfied", "unsatisfied"] * (THREADS // 3)

    def work(index: int) -> str:
        try:
            return rating_submit(dossier=dossier, applicant=citizen, level=levels[index]).level
        except RatingAlreadyGiven:
            return "refused"
        except ValidationError as exc:  # pragma: no cover - shows an unexpected refusal
            return str(exc)

    outcomes = _run_parallel(work, THREADS)
    (stored,) = Rating.objects.values_list("level", flat=True)
    assert sorted(outcomes) == sorted(
        [stored] * levels.count(stored) + ["refused"] * (THREADS - levels.count(stored))
    )
