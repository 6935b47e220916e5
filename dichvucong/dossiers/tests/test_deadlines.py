"""The deadline check: overdue marking, reminders to the officers who must act, schedule."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from dichvucong.catalogue.models import Procedure
from dichvucong.core import workdays
from dichvucong.dossiers import tasks
from dichvucong.dossiers.actions import MissingItem
from dichvucong.dossiers.deadlines import DeadlineReport, dossier_deadlines_check, reminder_key
from dichvucong.dossiers.models import Dossier, DossierStatus
from dichvucong.dossiers.services import local_display
from dichvucong.dossiers.tests.test_actions import act, submit
from dichvucong.notifications.models import Channel, Delivery, Notification

SITE = "http://127.0.0.1:8000"
PROCEDURE = (
    "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam"
)


class Desk:
    """Dossiers driven through the real engine to a step, then placed in time."""

    def __init__(self, citizen: Any, procedure: Procedure, officers: dict[str, Any]) -> None:
        self.citizen = citizen
        self.procedure = procedure
        self.officers = officers
        self.count = 0

    def dossier(self, step: str) -> Dossier:
        self.count += 1
        officers = self.officers
        dossier = submit(self.citizen, self.procedure, key=f"k-{self.count}")
        act(dossier, officers["reception"], "accept")
        if step != "assigning":
            act(dossier, officers["head"], "assign", assignee=officers["specialist"])
        if step == "waiting":
            act(
                dossier,
                officers["specialist"],
                "request_documents",
                comment="Thiếu giấy tờ.",
                items=[MissingItem(document="Bản sao Căn cước công dân")],
            )
        if step in {"approving", "done"}:
            act(dossier, officers["specialist"], "propose", comment="Đủ điều kiện.")
        if step == "done":
            act(dossier, officers["approver"], "approve")
            act(dossier, officers["reception"], "hand_back")
        dossier.refresh_from_db()
        assert dossier.state is not None
        expected = {"waiting": "processing_waiting"}.get(step, step)
        assert dossier.state.code == expected
        return dossier


def place(dossier: Dossier, due_at: datetime) -> Dossier:
    """Move a dossier's due date (a queryset update: placing it in time, not an action)."""
    Dossier.objects.filter(pk=dossier.pk).update(due_at=due_at)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def desk(citizen: Any, online_procedure: Procedure, officers: dict[str, Any]) -> Desk:
    return Desk(citizen, online_procedure, officers)


def soon(now: datetime) -> datetime:
    """One office hour from now: within one working day."""
    return workdays.working_time_add(now, 3600)


def horizon(now: datetime) -> datetime:
    return workdays.working_time_add(now, workdays.working_day_seconds())


def sent(since: int = 0) -> list[tuple[str, str, str]]:
    """Return (username, event, key) of the officers' reminders after pk `since`, sorted."""
    return sorted(
        Notification.objects.filter(
            pk__gt=since, event__in=["dossier_due_soon", "dossier_overdue"]
        ).values_list("user__username", "event", "key")
    )


def last_pk() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_reminders_go_to_the_officers_who_must_act_and_overdue_dossiers_are_marked(
    desk: Desk, officers: dict[str, Any]
) -> None:
    assigning = desk.dossier("assigning")
    examining = desk.dossier("examining")
    approving = desk.dossier("approving")
    late = desk.dossier("examining")
    waiting = desk.dossier("waiting")
    done = desk.dossier("done")
    later = desk.dossier("approving")
    edge = desk.dossier("assigning")
    before = last_pk()
    now = timezone.now()
    for dossier in (assigning, examining, approving):
        place(dossier, soon(now))
    place(late, now - timedelta(hours=1))
    # The clock is stopped while waiting; a finished dossier is no longer watched.
    place(waiting, now - timedelta(hours=1))
    place(done, now - timedelta(hours=1))
    place(later, workdays.working_time_add(now, 2 * workdays.working_day_seconds()))
    place(edge, horizon(now) + timedelta(seconds=1))

    report = dossier_deadlines_check(now=now)

    assert report == DeadlineReport(marked_overdue=1, due_soon_reminders=3, overdue_reminders=1)
    assert report.reminders_sent == 4
    # The unit head for the step "assigning", only the assignee (not the other specialist
    # nor the head) in "examining", the approver in "approving"; nobody of another agency,
    # no supervisor.
    assert sent(before) == sorted(
        [
            (
                "truongphong.stp",
                "dossier_due_soon",
                reminder_key(event="dossier_due_soon", dossier=assigning, user=officers["head"]),
            ),
            (
                "chuyenvien.stp",
                "dossier_due_soon",
                reminder_key(
                    event="dossier_due_soon", dossier=examining, user=officers["specialist"]
                ),
            ),
            (
                "giamdoc.stp",
                "dossier_due_soon",
                reminder_key(
                    event="dossier_due_soon", dossier=approving, user=officers["approver"]
                ),
            ),
            (
                "chuyenvien.stp",
                "dossier_overdue",
                reminder_key(event="dossier_overdue", dossier=late, user=officers["specialist"]),
            ),
        ]
    )
    entered = assigning.state_entered_at
    assert entered is not None
    head = officers["head"].pk
    assert reminder_key(event="dossier_due_soon", dossier=assigning, user=officers["head"]) == (
        f"dossier-due-soon:{assigning.pk}:{entered.astimezone(UTC).isoformat()}:{head}"
    )
    # The citizen hears nothing of the officers' deadlines.
    assert not Notification.objects.filter(pk__gt=before, user=desk.citizen).exists()

    marked = dict(Dossier.objects.filter(overdue_at__isnull=False).values_list("pk", "overdue_at"))
    assert marked == {late.pk: now}
    reminded = set(Dossier.objects.filter(reminded_at=now).values_list("pk", flat=True))
    assert reminded == {assigning.pk, examining.pk, approving.pk, late.pk}
    for dossier in (waiting, done, later, edge):
        dossier.refresh_from_db()
        assert (dossier.overdue_at, dossier.reminded_at) == (None, None)


def test_the_messages_name_the_dossier_step_and_due_date(
    desk: Desk, officers: dict[str, Any]
) -> None:
    dossier = desk.dossier("examining")
    late = desk.dossier("approving")
    now = timezone.now()
    place(dossier, soon(now))
    place(late, now - timedelta(minutes=5))
    dossier_deadlines_check(now=now)

    reminder = Notification.objects.get(event="dossier_due_soon")
    url = f"{SITE}/mot-cua/ho-so/{dossier.code}/"
    assert (reminder.user, reminder.url) == (officers["specialist"], url)
    assert reminder.title == f"Hồ sơ {dossier.code} sắp đến hạn trả kết quả"
    assert reminder.body == (
        f"Hồ sơ {dossier.code} (thủ tục “{PROCEDURE}”) đang ở bước “Chuyên viên thẩm định” tại "
        f"Sở Tư pháp, hạn trả kết quả {local_display(dossier.due_at)}: còn không quá 01 ngày "
        "làm việc."
    )
    email = reminder.deliveries.get()
    assert (email.channel, email.recipient) == (Channel.EMAIL, "chuyenvien.stp@binhphuoc.gov.vn")
    assert email.subject == (
        f"Hồ sơ {dossier.code} sắp đến hạn trả kết quả ({local_display(dossier.due_at)})"
    )
    assert email.body.startswith("Kính gửi Nguyễn Chuyenvien,\n")
    assert f"Mở hồ sơ: {url}\n" in email.body

    overdue = Notification.objects.get(event="dossier_overdue")
    assert overdue.user == officers["approver"]
    assert overdue.title == f"Hồ sơ {late.code} đã quá hạn trả kết quả"
    assert overdue.body == (
        f"Hồ sơ {late.code} (thủ tục “{PROCEDURE}”) đang ở bước “Chờ lãnh đạo phê duyệt” tại "
        f"Sở Tư pháp đã quá hạn trả kết quả {local_display(late.due_at)}. Đề nghị xử lý ngay."
    )
    # Officers' reminders go by email and in the portal, never by text message.
    assert not Delivery.objects.filter(channel=Channel.SMS).exists()


def test_running_twice_marks_and_sends_nothing_twice(desk: Desk) -> None:
    due = desk.dossier("assigning")
    late = desk.dossier("examining")
    now = timezone.now()
    place(due, soon(now))
    place(late, now - timedelta(hours=2))
    first = dossier_deadlines_check(now=now)
    assert first == DeadlineReport(marked_overdue=1, due_soon_reminders=1, overdue_reminders=1)
    counts = (Notification.objects.count(), Delivery.objects.count())

    assert dossier_deadlines_check(now=now) == DeadlineReport(0, 0, 0)
    assert dossier_deadlines_check(now=now + timedelta(minutes=15)) == DeadlineReport(0, 0, 0)
    assert (Notification.objects.count(), Delivery.objects.count()) == counts
    late.refresh_from_db()
    assert late.overdue_at == now  # the first marking stays


def test_a_reminder_comes_again_only_after_the_dossier_enters_another_step(
    desk: Desk, officers: dict[str, Any]
) -> None:
    dossier = desk.dossier("examining")
    now = timezone.now()
    place(dossier, soon(now))
    assert dossier_deadlines_check(now=now).due_soon_reminders == 1
    before = last_pk()

    act(dossier, officers["specialist"], "propose", comment="Đủ điều kiện.")
    dossier.refresh_from_db()
    later = timezone.now()
    place(dossier, soon(later))
    report = dossier_deadlines_check(now=later)

    assert report == DeadlineReport(marked_overdue=0, due_soon_reminders=1, overdue_reminders=0)
    assert sent(before) == [
        (
            "giamdoc.stp",
            "dossier_due_soon",
            reminder_key(event="dossier_due_soon", dossier=dossier, user=officers["approver"]),
        )
    ]


def test_a_dossier_reminded_then_late_is_reported_overdue(
    desk: Desk, officers: dict[str, Any]
) -> None:
    dossier = desk.dossier("assigning")
    now = timezone.now()
    place(dossier, soon(now))
    dossier_deadlines_check(now=now)
    before = last_pk()

    assert dossier.due_at is not None
    after = dossier.due_at + timedelta(minutes=1)
    report = dossier_deadlines_check(now=after)

    assert report == DeadlineReport(marked_overdue=1, due_soon_reminders=0, overdue_reminders=1)
    assert sent(before) == [
        (
            "truongphong.stp",
            "dossier_overdue",
            reminder_key(event="dossier_overdue", dossier=dossier, user=officers["head"]),
        )
    ]
    dossier.refresh_from_db()
    assert (dossier.overdue_at, dossier.reminded_at) == (after, after)


def test_an_inactive_officer_is_not_reminded(desk: Desk, officers: dict[str, Any]) -> None:
    dossier = desk.dossier("approving")
    officers["approver"].is_active = False
    officers["approver"].save(update_fields=["is_active"])
    now = timezone.now()
    place(dossier, soon(now))
    report = dossier_deadlines_check(now=now)
    assert report.due_soon_reminders == 0
    assert not Notification.objects.filter(event="dossier_due_soon").exists()
    dossier.refresh_from_db()
    assert dossier.reminded_at == now  # looked at: not read again on every run


def test_a_batch_of_twenty_dossiers_takes_a_fixed_number_of_queries(
    desk: Desk, django_assert_max_num_queries: Any
) -> None:
    dossiers = [desk.dossier("assigning") for _i in range(20)]
    now = timezone.now()
    for index, dossier in enumerate(dossiers):
        place(dossier, soon(now) if index % 2 else now - timedelta(hours=1))
    with django_assert_max_num_queries(23):
        report = dossier_deadlines_check(now=now)
    assert report == DeadlineReport(marked_overdue=10, due_soon_reminders=10, overdue_reminders=10)
    assert Notification.objects.filter(user__username="truongphong.stp").count() == 20


def test_the_task_and_the_command_run_the_check(desk: Desk) -> None:
    due = desk.dossier("assigning")
    late = desk.dossier("approving")
    now = timezone.now()
    place(due, soon(now) + timedelta(minutes=5))
    place(late, now - timedelta(hours=1))

    assert tasks.dossier_deadlines_check() == {
        "marked_overdue": 1,
        "due_soon_reminders": 1,
        "overdue_reminders": 1,
    }
    out = io.StringIO()
    call_command("dossier_deadlines_check", stdout=out)
    assert out.getvalue() == (
        "Hồ sơ được ghi nhận quá hạn: 0\n"
        "Thông báo nhắc hồ sơ sắp đến hạn: 0\n"
        "Thông báo hồ sơ quá hạn: 0\n"
    )


def test_the_check_refuses_a_naive_moment() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        dossier_deadlines_check(now=datetime(2026, 3, 2, 9, 0))  # noqa: DTZ001


def test_beat_runs_the_registered_task_every_fifteen_minutes() -> None:
    from config.celery import app

    app.loader.import_default_modules()  # what a worker and beat do at start: autodiscovery
    entry = settings.CELERY_BEAT_SCHEDULE["dossier-deadlines-check"]
    assert entry["task"] == "dichvucong.dossiers.tasks.dossier_deadlines_check"
    assert entry["task"] in app.tasks
    assert app.tasks[entry["task"]].name == tasks.dossier_deadlines_check.name
    assert settings.DOSSIER_REMINDER_MINUTES == 15
    assert entry["schedule"] == 15 * 60


def test_waiting_and_finished_statuses_are_never_marked(desk: Desk) -> None:
    waiting = desk.dossier("waiting")
    done = desk.dossier("done")
    assert (waiting.status, done.status) == (DossierStatus.WAITING, DossierStatus.DONE)
    now = timezone.now()
    place(waiting, now - timedelta(days=3))
    place(done, now - timedelta(days=3))
    assert dossier_deadlines_check(now=now) == DeadlineReport(0, 0, 0)
    assert not Dossier.objects.filter(overdue_at__isnull=False).exists()
