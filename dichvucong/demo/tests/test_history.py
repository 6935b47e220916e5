"""The demo history: size, determinism, codes, the event log, payments, ratings, reruns.

The demo province and one small history are loaded once for the module, in a
transaction rolled back at the end; each test runs in a savepoint inside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max, Sum

from dichvucong.catalogue.models import TimeUnit
from dichvucong.core import workdays
from dichvucong.demo import history
from dichvucong.demo.history import (
    KEY_PREFIX,
    HistoryMismatch,
    _Calendar,
    demo_history_load,
    demo_history_status,
)
from dichvucong.demo.payments import demo_payments_load
from dichvucong.demo.services import demo_load
from dichvucong.dossiers.actions import dossier_time_limit, register_number_allocate
from dichvucong.dossiers.models import Dossier, DossierEvent, DossierSequence, RegisterSequence
from dichvucong.dossiers.services import dossier_code_allocate
from dichvucong.feedback.models import Rating
from dichvucong.payments.models import Payment, PaymentRequest

SIZE = 1500
SEED = 7
CODE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.H\d{2})-(\d{6})-(\d{4})$")


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[history.HistorySummary]:
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        demo_payments_load()
        summary = demo_history_load(size=SIZE, seed=SEED)
        yield summary
        transaction.set_rollback(True)


def _history() -> Any:
    return Dossier.objects.filter(idempotency_key__startswith=KEY_PREFIX)


def _fingerprint() -> str:
    rows = (
        _history()
        .order_by("code")
        .values_list(
            "code", "status", "timeliness", "channel", "due_at", "result_at", "applicant_name"
        )
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


@pytest.mark.django_db
def test_the_size_is_honoured_and_every_dossier_is_finished(loaded: Any) -> None:
    assert loaded.dossiers == SIZE
    assert _history().count() == SIZE
    assert demo_history_status() == (SIZE, SEED)
    statuses = dict(_history().values_list("status").annotate(n=Count("pk")))
    assert set(statuses) <= {"done", "denied", "cancelled"}
    assert statuses["done"] > SIZE * 0.85
    first = _history().order_by("submitted_at").first()
    last = _history().order_by("-submitted_at").first()
    assert first is not None and last is not None
    assert workdays.VIETNAM and first.submitted_at.astimezone(workdays.VIETNAM).year == 2015
    assert last.submitted_at.astimezone(workdays.VIETNAM).date() <= dt.date(2020, 12, 31)
    # Some late, most early or on time; every channel present.
    done = _history().filter(status="done")
    late = done.filter(timeliness="late").count() / done.count()
    assert 0.03 < late < 0.13
    assert not done.filter(timeliness="").exists()
    assert set(_history().values_list("channel", flat=True)) == {"direct", "online", "postal"}
    # The online share grows with the roadmap.
    online = {
        year: _history().filter(submitted_at__year=year, channel="online").count()
        / max(1, _history().filter(submitted_at__year=year).count())
        for year in (2015, 2020)
    }
    assert online[2020] > online[2015]


@pytest.mark.django_db
def test_codes_are_unique_in_the_national_format_and_numbered_per_agency_and_day(
    loaded: Any,
) -> None:
    rows = list(_history().values_list("code", "agency__code", "submitted_at"))
    codes = [code for code, _a, _s in rows]
    assert len(set(codes)) == len(codes)
    per_day: dict[tuple[str, str], list[int]] = defaultdict(list)
    for code, agency, submitted in rows:
        match = CODE.match(code)
        assert match, code
        assert match.group(1) == agency
        assert match.group(2) == f"{submitted.astimezone(workdays.VIETNAM):%y%m%d}"
        per_day[(agency, match.group(2))].append(int(match.group(3)))
    for numbers in per_day.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    # Register numbers: from 1 each year, without gaps, per agency.
    registers: dict[tuple[int, int], list[int]] = defaultdict(list)
    for agency, year, number in (
        _history()
        .filter(register_number__isnull=False)
        .values_list("agency_id", "register_year", "register_number")
    ):
        registers[(agency, year)].append(number)
    for numbers in registers.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))


def _check_life(dossier: Dossier, events: list[DossierEvent]) -> None:
    first = events[0]
    assert first.from_status == "" and first.to_status == "receiving"
    assert first.created_at == dossier.submitted_at
    status, state = first.to_status, first.to_state
    for event in events[1:]:
        assert event.from_status == status, (dossier.code, event.action)
        if event.action == "payment_received":
            assert event.to_status == status and event.actor_role == "system"
            continue
        assert event.from_state == state, (dossier.code, event.action)
        status, state = event.to_status, event.to_state
        if event.step_due_at is not None:
            expected = workdays.timeliness(due_at=event.step_due_at, done_at=event.created_at)
            assert event.step_timeliness == expected
        else:
            assert event.step_timeliness == ""
    times = [e.created_at for e in events]
    assert times == sorted(times)
    assert status == dossier.status
    assert dossier.state is not None and state == dossier.state.code
    assert dossier.updated_at == events[-1].created_at
    if dossier.status != "done":
        assert dossier.timeliness == "" and dossier.register_number is None
        return
    accept = next(e for e in events if e.action == "accept")
    assert accept.created_at == dossier.accepted_at
    assert accept.data["register"] == {
        "year": dossier.register_year,
        "number": dossier.register_number,
    }
    # The due date is the engine's: the time limit from acceptance or the last supplement.
    limit = dossier_time_limit(dossier=dossier)
    assert limit is not None and limit.duration is not None
    restarts = [
        e for e in events if e.action == "supplement" and e.from_state != "reception_waiting"
    ]
    start = restarts[-1].created_at if restarts else dossier.accepted_at
    assert start is not None
    assert dossier.due_at == workdays.due_at_compute(
        start=start, amount=limit.duration, unit=limit.unit
    )
    approve = next(e for e in events if e.action == "approve")
    hand_back = events[-1]
    assert hand_back.action == "hand_back" and hand_back.created_at == dossier.handed_back_at
    assert approve.created_at == dossier.result_at
    assert dossier.timeliness == workdays.timeliness(
        due_at=dossier.due_at, done_at=dossier.result_at
    )


@pytest.mark.django_db
def test_every_dossier_s_events_follow_the_workflow_to_its_final_status(loaded: Any) -> None:
    dossiers = {d.pk: d for d in _history().select_related("state", "case", "procedure")}
    events: dict[int, list[DossierEvent]] = defaultdict(list)
    for event in DossierEvent.objects.filter(dossier__in=list(dossiers)).order_by(
        "created_at", "pk"
    ):
        events[event.dossier_id].append(event)
    assert sum(len(e) for e in events.values()) == loaded.events
    for pk, dossier in dossiers.items():
        _check_life(dossier, events[pk])
    actions = DossierEvent.objects.filter(dossier__in=list(dossiers)).values_list(
        "action", flat=True
    )
    seen = set(actions)
    assert {"submitted", "counter_intake", "accept", "assign", "propose", "approve"} <= seen
    assert {"hand_back", "refuse", "request_documents", "supplement"} <= seen


@pytest.mark.django_db
def test_payments_and_ratings_are_consistent(loaded: Any) -> None:
    payments = Payment.objects.filter(dossier__idempotency_key__startswith=KEY_PREFIX)
    assert payments.count() == loaded.payments > 0
    for payment in payments.select_related("request", "dossier__procedure"):
        dossier = payment.dossier
        assert payment.status == "paid" and payment.response_code == "00"
        assert dossier.channel == "online" and dossier.procedure.online_payment_enabled
        assert payment.payer_id == dossier.applicant_id
        assert payment.amount == payment.request.total > 0
        assert payment.request.paid_at == payment.paid_at
        assert payment.txn_ref.startswith(f"{dossier.pk}T")
        event = DossierEvent.objects.get(dossier=dossier, action="payment_received")
        assert event.data["payment"] == {
            "id": payment.pk,
            "txn_ref": payment.txn_ref,
            "amount": payment.amount,
        }
        # Paid right after submission, before the agency took the dossier in.
        assert dossier.status == "done"
        assert dossier.submitted_at is not None and dossier.accepted_at is not None
        assert payment.paid_at is not None
        assert dossier.submitted_at < payment.paid_at < dossier.accepted_at
    assert (
        PaymentRequest.objects.filter(dossier__idempotency_key__startswith=KEY_PREFIX).count()
        == loaded.payments
    )
    ratings = Rating.objects.filter(dossier__idempotency_key__startswith=KEY_PREFIX)
    assert ratings.count() == loaded.ratings > 0
    assert not ratings.exclude(dossier__status="done").exists()
    for rating in ratings.select_related("dossier"):
        assert rating.dossier.handed_back_at is not None
        assert rating.created_at > rating.dossier.handed_back_at
    levels = dict(ratings.values_list("level").annotate(n=Count("pk")))
    assert levels["very_satisfied"] > levels.get("unsatisfied", 0)


@pytest.mark.django_db
def test_live_numbers_continue_after_the_history(loaded: Any) -> None:
    dossier = _history().order_by("-submitted_at").first()
    assert dossier is not None and dossier.code
    day = dossier.submitted_at.astimezone(workdays.VIETNAM).date()
    last = int(dossier.code.rsplit("-", 1)[1])
    code = dossier_code_allocate(agency=dossier.agency, day=day)
    assert code == f"{dossier.agency.code}-{day:%y%m%d}-{last + 1:04d}"
    assert not Dossier.objects.filter(code=code).exists()
    year, agency_id = 2019, dossier.agency_id
    highest = (
        _history()
        .filter(agency_id=agency_id, register_year=year)
        .aggregate(m=Max("register_number"))["m"]
    )
    assert register_number_allocate(agency_id=agency_id, year=year) == (highest or 0) + 1
    assert DossierSequence.objects.filter(agency_id=agency_id).exists()
    assert RegisterSequence.objects.filter(agency_id=agency_id, year=2020).exists()


@pytest.mark.django_db
def test_loading_again_changes_nothing_another_size_needs_replace(loaded: Any) -> None:
    before = _fingerprint()
    again = demo_history_load(size=SIZE, seed=SEED)
    assert again.existing == SIZE and again.dossiers == 0
    assert _history().count() == SIZE
    with pytest.raises(HistoryMismatch):
        demo_history_load(size=SIZE + 1, seed=SEED)
    assert _history().count() == SIZE
    # Replacing with the same parameters gives the same history: it is deterministic.
    replaced = demo_history_load(size=SIZE, seed=SEED, replace=True)
    assert replaced.dossiers == SIZE
    assert _history().count() == SIZE
    assert _fingerprint() == before
    smaller = demo_history_load(size=200, seed=SEED + 1, replace=True)
    assert smaller.dossiers == 200 and _history().count() == 200
    assert demo_history_status() == (200, SEED + 1)
    assert _fingerprint() != before


@pytest.mark.django_db
def test_the_command_takes_size_and_no_history(loaded: Any, settings: Any, tmp_path: Any) -> None:
    from io import StringIO

    settings.SIGNING_DIR = tmp_path

    out = StringIO()
    call_command("load_demo", "--size", str(SIZE), "--seed", str(SEED), stdout=out)
    assert f"History: {SIZE} past dossiers already loaded." in out.getvalue()
    out = StringIO()
    call_command("load_demo", "--no-history", stdout=out)
    assert "History: not generated" in out.getvalue()
    assert _history().count() == SIZE


@pytest.mark.django_db
def test_the_statistics_are_rebuilt_from_the_history(loaded: Any) -> None:
    from dichvucong.reporting.models import DailyFigures

    assert loaded.figures_rows and loaded.figures_rows > 0
    rows = DailyFigures.objects.filter(day__lte=dt.date(2021, 12, 31))
    totals = rows.aggregate(received=Sum("received"), processed=Sum("processed"))
    assert totals["received"] == SIZE
    assert totals["processed"] == _history().filter(status="done").count()


def test_the_calendar_arithmetic_matches_core_workdays(db: Any) -> None:
    calendar = _Calendar(dt.date(2014, 11, 1), dt.date(2022, 12, 31))
    rng = random.Random(3)
    limits = [
        (Decimal("0.5"), TimeUnit.WORKING_DAYS),
        (Decimal(1), TimeUnit.WORKING_DAYS),
        (Decimal(7), TimeUnit.WORKING_DAYS),
        (Decimal(4), TimeUnit.HOURS),
        (Decimal(30), TimeUnit.DAYS),
        (Decimal(15), TimeUnit.DAYS),
    ]
    start = int(dt.datetime(2015, 1, 1, tzinfo=dt.UTC).timestamp())
    for _i in range(400):
        moment = start + rng.randrange(6 * 365 * 86400)
        moment -= moment % 60 if rng.random() < 0.5 else 0
        when = dt.datetime.fromtimestamp(moment, dt.UTC)
        position = calendar.clock_start(moment)
        assert calendar.to_epoch(position) == int(workdays.clock_start(when).timestamp())
        amount, unit = rng.choice(limits)
        _position, due = calendar.due(moment, calendar.limit(amount, unit))
        expected = workdays.due_at_compute(start=when, amount=amount, unit=unit)
        assert due == int(expected.timestamp()), (when, amount, unit)
        done = moment + rng.randrange(20 * 86400)
        assert calendar.timeliness(due, done) == workdays.timeliness(
            due_at=expected, done_at=dt.datetime.fromtimestamp(done, dt.UTC)
        )
