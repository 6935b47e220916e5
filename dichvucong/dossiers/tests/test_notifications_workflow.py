"""What the applicant and the assigned officer are told at each step of the one-stop workflow."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from dichvucong.catalogue.models import Procedure
from dichvucong.core import workdays
from dichvucong.dossiers.actions import MissingItem, due_at_for_day
from dichvucong.dossiers.models import Dossier, DossierEvent, DossierStatus
from dichvucong.dossiers.services import local_display
from dichvucong.dossiers.tasks import dossier_event_notify
from dichvucong.dossiers.tests.fixtures import make_officer
from dichvucong.dossiers.tests.test_actions import act, submit
from dichvucong.notifications.models import Channel, Delivery, Notification

SITE = "http://127.0.0.1:8000"
PROCEDURE = (
    "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam"
)


@pytest.fixture
def dossier(citizen: Any, online_procedure: Procedure) -> Dossier:
    return submit(citizen, online_procedure)


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Any:
    """Take an action and run what it queues after commit (the notification task)."""

    def take(dossier: Dossier, actor: Any, action: str, **fields: Any) -> DossierEvent:
        with django_capture_on_commit_callbacks(execute=True):
            event = act(dossier, actor, action, **fields)
        dossier.refresh_from_db()
        return event

    return take


def _portal_url(dossier: Dossier) -> str:
    return f"{SITE}/ho-so-cua-toi/{dossier.code}/"


def _latest(user: Any) -> Notification:
    return Notification.objects.filter(user=user).order_by("-pk")[0]


def _sms(notification: Notification) -> str:
    return notification.deliveries.get(channel=Channel.SMS).body


def _at_examining(dossier: Dossier, officers: dict[str, Any], run: Any) -> None:
    run(dossier, officers["reception"], "accept")
    run(dossier, officers["head"], "assign", assignee=officers["specialist"])


def test_the_applicant_hears_of_each_step_with_its_own_message(
    dossier: Dossier, citizen: Any, officers: dict[str, Any], run: Any
) -> None:
    assert dossier.version.name == PROCEDURE
    url = _portal_url(dossier)
    accepted = run(dossier, officers["reception"], "accept")
    due = local_display(dossier.due_at)
    notification = _latest(citizen)
    assert (notification.event, notification.key, notification.url) == (
        "dossier_accepted",
        f"dossier-event:{accepted.pk}",
        url,
    )
    assert notification.title == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert notification.body == (
        f"Sở Tư pháp đã tiếp nhận hồ sơ {dossier.code} (thủ tục “{PROCEDURE}”).\n"
        f"Ngày hẹn trả kết quả: {due}."
    )
    assert _sms(notification) == (f"Ho so {dossier.code} da duoc tiep nhan, hen tra ket qua {due}.")
    email = notification.deliveries.get(channel=Channel.EMAIL)
    assert email.recipient == "congdan@example.vn"
    assert f"Ngày hẹn trả kết quả: {due}\n" in email.body
    assert f"Xem hồ sơ: {url}\n" in email.body

    # Assigning moves the status (new -> processing): the general message.
    assigned = run(dossier, officers["head"], "assign", assignee=officers["specialist"])
    notification = _latest(citizen)
    assert (notification.event, notification.key) == (
        "dossier_status_changed",
        f"dossier-event:{assigned.pk}",
    )
    assert notification.title == f"Hồ sơ {dossier.code}: Đang xử lý"

    # Proposing and returning for rework keep the status: the applicant hears nothing.
    count = Notification.objects.filter(user=citizen).count()
    run(dossier, officers["specialist"], "propose", comment="Đủ điều kiện.")
    run(dossier, officers["approver"], "return_for_rework", comment="Ghi rõ số phiếu.")
    run(dossier, officers["specialist"], "propose", comment="Đã sửa.")
    assert Notification.objects.filter(user=citizen).count() == count

    approved = run(dossier, officers["approver"], "approve")
    notification = _latest(citizen)
    assert (notification.event, notification.key) == (
        "dossier_result_ready",
        f"dossier-event:{approved.pk}",
    )
    assert notification.title == f"Hồ sơ {dossier.code} đã có kết quả"
    assert notification.body == (
        f"Hồ sơ {dossier.code} (thủ tục “{PROCEDURE}”) đã được giải quyết xong. Mời bạn nhận "
        "kết quả tại Sở Tư pháp hoặc theo hình thức nhận kết quả đã đăng ký."
    )

    handed = run(dossier, officers["reception"], "hand_back")
    notification = _latest(citizen)
    assert (notification.event, notification.key, notification.url) == (
        "dossier_done",
        f"dossier-event:{handed.pk}",
        url,
    )
    assert notification.title == f"Đã trả kết quả hồ sơ {dossier.code}"
    assert notification.body == (
        f"Hồ sơ {dossier.code} (thủ tục “{PROCEDURE}”) đã được trả kết quả. Mời bạn đánh giá "
        "mức độ hài lòng về việc giải quyết hồ sơ tại trang hồ sơ."
    )
    assert _sms(notification) == (
        f"Ho so {dossier.code} da duoc tra ket qua. Moi Ong/Ba danh gia muc do hai long tai "
        "trang ho so tren Cong Dich vu cong."
    )
    assert list(
        Notification.objects.filter(user=citizen).order_by("pk").values_list("event", flat=True)
    ) == [
        "dossier_accepted",
        "dossier_status_changed",
        "dossier_result_ready",
        "dossier_done",
    ]


def test_a_request_for_documents_lists_them_with_reasons_and_the_comment(
    dossier: Dossier, citizen: Any, officers: dict[str, Any], run: Any
) -> None:
    event = run(
        dossier,
        officers["reception"],
        "request_documents",
        comment="Bản chụp mờ, không đọc được số.",
        items=[
            MissingItem(document="Bản sao Căn cước công dân", reason="Ảnh chụp bị mờ"),
            MissingItem(document="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"),
        ],
    )
    assert dossier.status == DossierStatus.WAITING
    notification = _latest(citizen)
    assert (notification.event, notification.key) == (
        "dossier_documents_requested",
        f"dossier-event:{event.pk}",
    )
    assert notification.title == f"Hồ sơ {dossier.code} cần bổ sung, hoàn thiện"
    assert notification.body == (
        f"Sở Tư pháp đề nghị bổ sung, hoàn thiện hồ sơ {dossier.code} (thủ tục “{PROCEDURE}”).\n"
        "\n"
        "Giấy tờ cần bổ sung:\n"
        "- Bản sao Căn cước công dân: Ảnh chụp bị mờ\n"
        "- Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp\n"
        "\n"
        "Ý kiến của cán bộ: Bản chụp mờ, không đọc được số.\n"
        "\n"
        f"Vui lòng bổ sung hồ sơ trực tuyến tại trang hồ sơ trên Cổng: {_portal_url(dossier)}"
    )
    assert _sms(notification) == (
        f"Ho so {dossier.code} can bo sung, hoan thien. Vui long xem yeu cau va bo sung truc "
        "tuyen tai trang ho so tren Cong Dich vu cong."
    )
    email = notification.deliveries.get(channel=Channel.EMAIL)
    assert email.subject == f"Yêu cầu bổ sung, hoàn thiện hồ sơ {dossier.code}"
    assert "- Bản sao Căn cước công dân: Ảnh chụp bị mờ\n" in email.body
    assert "Thời hạn giải quyết được tính lại từ khi hồ sơ được bổ sung đầy đủ." in email.body


def test_a_refusal_gives_the_reason(
    dossier: Dossier, citizen: Any, officers: dict[str, Any], run: Any
) -> None:
    event = run(
        dossier, officers["reception"], "refuse", comment="Không thuộc thẩm quyền giải quyết."
    )
    notification = _latest(citizen)
    assert (notification.event, notification.key) == (
        "dossier_refused",
        f"dossier-event:{event.pk}",
    )
    assert notification.title == f"Hồ sơ {dossier.code} không được tiếp nhận"
    assert notification.body == (
        f"Sở Tư pháp từ chối tiếp nhận hồ sơ {dossier.code} (thủ tục “{PROCEDURE}”).\n"
        "Lý do: Không thuộc thẩm quyền giải quyết."
    )
    email = notification.deliveries.get(channel=Channel.EMAIL)
    assert "Lý do: Không thuộc thẩm quyền giải quyết.\n" in email.body


def test_an_apology_tells_the_old_and_new_dates_and_the_reason(
    dossier: Dossier, citizen: Any, officers: dict[str, Any], run: Any
) -> None:
    _at_examining(dossier, officers, run)
    assert dossier.due_at is not None
    old_due = dossier.due_at
    new_due = due_at_for_day(workdays.working_days_add(timezone.localdate(old_due), 10))
    event = run(
        dossier,
        officers["specialist"],
        "apologize",
        comment="Cần xác minh thêm tại địa phương.",
        new_due_at=new_due,
    )
    # The status stays "processing", yet the applicant is told (Decree 61/2018 Art. 19(9)).
    assert (event.from_status, event.to_status) == ("processing", "processing")
    notification = _latest(citizen)
    assert (notification.event, notification.key) == (
        "dossier_apologized",
        f"dossier-event:{event.pk}",
    )
    assert notification.title == (f"Hồ sơ {dossier.code}: xin lỗi và hẹn lại ngày trả kết quả")
    assert notification.body == (
        f"Sở Tư pháp xin lỗi vì chưa trả được kết quả hồ sơ {dossier.code} (thủ tục "
        f"“{PROCEDURE}”) vào ngày đã hẹn {local_display(old_due)}. Ngày hẹn trả kết quả mới: "
        f"{local_display(new_due)}.\n"
        "Lý do: Cần xác minh thêm tại địa phương."
    )
    email = notification.deliveries.get(channel=Channel.EMAIL)
    assert email.subject == f"Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {dossier.code}"
    assert f"Ngày hẹn trả kết quả trước đây: {local_display(old_due)}\n" in email.body
    assert f"Ngày hẹn trả kết quả mới: {local_display(new_due)}\n" in email.body
    assert _sms(notification) == (
        f"Ho so {dossier.code} chua co ket qua dung hen {local_display(old_due)}; ngay hen "
        f"moi: {local_display(new_due)}. Co quan xin loi Ong/Ba."
    )


def test_the_assigned_specialist_is_told_and_nobody_else(
    dossier: Dossier, officers: dict[str, Any], run: Any
) -> None:
    run(dossier, officers["reception"], "accept")
    officer_ids = [o.pk for o in officers.values()]
    before = Notification.objects.filter(user_id__in=officer_ids).count()
    event = run(
        dossier,
        officers["head"],
        "assign",
        assignee=officers["specialist"],
        comment="Ưu tiên giải quyết trong tuần.",
    )
    assert before == 0
    notification = Notification.objects.get(user_id__in=officer_ids)
    assert (notification.user, notification.event, notification.key, notification.url) == (
        officers["specialist"],
        "dossier_assigned",
        f"dossier-assigned:{event.pk}",
        f"{SITE}/mot-cua/ho-so/{dossier.code}/",
    )
    assert notification.title == f"Hồ sơ {dossier.code} được phân công cho bạn"
    assert notification.body == (
        f"Nguyễn Truongphong phân công bạn xử lý hồ sơ {dossier.code} (thủ tục “{PROCEDURE}”).\n"
        f"Hạn trả kết quả: {local_display(dossier.due_at)}.\n"
        "Ý kiến: Ưu tiên giải quyết trong tuần."
    )
    email = notification.deliveries.get()
    assert (email.channel, email.recipient) == (Channel.EMAIL, "chuyenvien.stp@binhphuoc.gov.vn")
    assert email.body.startswith("Kính gửi Nguyễn Chuyenvien,\n")
    assert "Bước xử lý: Chuyên viên thẩm định\n" in email.body
    # Entering a step tells its officers nothing: their inbox shows the dossier.
    run(dossier, officers["specialist"], "propose", comment="Đủ điều kiện.")
    assert Notification.objects.filter(user_id__in=officer_ids).count() == 1


def test_assigning_oneself_tells_nobody(
    dossier: Dossier, province: dict[str, Any], officers: dict[str, Any], run: Any
) -> None:
    both = make_officer("kiemnhiem.stp", province["000.00.01.H10"], "unit_head", "specialist")
    run(dossier, officers["reception"], "accept")
    run(dossier, both, "assign", assignee=both)
    assert dossier.assignee == both
    assert not Notification.objects.filter(user=both).exists()


def test_a_paper_dossier_tells_no_applicant_but_tells_the_assignee(
    dossier: Dossier, officers: dict[str, Any], run: Any
) -> None:
    # Placed as a dossier taken at the counter from someone without an account.
    Dossier.objects.filter(pk=dossier.pk).update(applicant=None)
    before = Notification.objects.count()
    run(dossier, officers["reception"], "accept")
    assert Notification.objects.count() == before
    event = run(dossier, officers["head"], "assign", assignee=officers["specialist"])
    assert list(Notification.objects.filter(pk__gt=0).values_list("key", "user")[before:]) == [
        (f"dossier-assigned:{event.pk}", officers["specialist"].pk)
    ]


def test_a_redelivered_task_notifies_once(
    dossier: Dossier, citizen: Any, officers: dict[str, Any], run: Any
) -> None:
    run(dossier, officers["reception"], "accept")
    event = run(dossier, officers["head"], "assign", assignee=officers["specialist"])
    notifications = Notification.objects.count()
    deliveries = Delivery.objects.count()
    sent = len(mail.outbox)
    dossier_event_notify(event.pk)
    dossier_event_notify(event.pk)
    assert (Notification.objects.count(), Delivery.objects.count(), len(mail.outbox)) == (
        notifications,
        deliveries,
        sent,
    )
    assert Notification.objects.filter(key=f"dossier-event:{event.pk}").count() == 1
    assert Notification.objects.filter(key=f"dossier-assigned:{event.pk}").count() == 1
