"""The outbox: an action gives entries, delivered in order to the stand-in; the flag."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.actions import ActionRequest, dossier_action_execute
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import EXAMPLE
from dichvucong.interop.national import services
from dichvucong.interop.national.models import (
    DossierSync,
    StandinDossier,
    StandinEntry,
    StandinFile,
    StandinSwitch,
    SyncEntry,
)

from .conftest import DjangoClientAdapter, submit

pytestmark = pytest.mark.django_db


def act(dossier: Dossier, actor: Any, action: str, **fields: Any) -> None:
    dossier_action_execute(
        dossier=dossier, actor=actor, request=ActionRequest(action=action, **fields)
    )


def entries(dossier: Dossier) -> list[tuple[str, str, int]]:
    return list(
        SyncEntry.objects.filter(dossier=dossier)
        .order_by("pk")
        .values_list("kind", "state", "attempts")
    )


def test_a_submission_creates_the_dossier_nationally_with_its_file(
    standin: DjangoClientAdapter,
    citizen: Any,
    online_procedure: Procedure,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit(citizen, online_procedure)

    assert entries(dossier) == [("create", "sent", 1)]
    sync = DossierSync.objects.get(dossier=dossier)
    assert sync.synchronised is True
    assert sync.last_error == ""
    assert sync.last_attempt_at is not None and sync.synced_at is not None
    assert sync.last_synced_event_id == dossier.events.get().pk
    national = StandinDossier.objects.get()
    assert sync.national_code == national.code
    assert (national.local_code, national.procedure_code, national.status) == (
        dossier.code,
        online_procedure.code,
        1,
    )
    assert national.agency_code == dossier.agency.code
    document = dossier.documents.get()
    stored = StandinFile.objects.get()
    assert (stored.sha256, stored.name, stored.size) == (
        document.sha256,
        document.original_name,
        document.size,
    )
    component = national.data["ThanhPhanHoSo"][0]
    assert component["SoLuong"] == 1
    assert component["GiayToDinhKem"] == [
        {
            "IdGiayTo": str(stored.file_id),
            "MaKetQua": "",
            "TenGiayTo": document.original_name,
            "HashTepTin": document.sha256,
        }
    ]
    assert national.data["ThongTinNguoiNop"]["SoDinhDanh"] == "074090001234"
    assert national.data["ThongTinNguoiNop"]["MaXa"] == "25195"
    assert national.data["LoaiDoiTuong"] == 1
    assert national.data["DaSoHoa"] == 1
    assert national.data["NgayNop"] == timezone.localtime(dossier.submitted_at).strftime(
        "%Y%m%d%H%M%S"
    )
    # token, next code, one upload, create: the order of the interface.
    assert [path.rsplit("standin/", 1)[1] for _m, path in standin.calls] == [
        "token",
        "hoso/lay-ma-ho-so",
        "tep-tin",
        "hoso",
    ]


def test_workflow_steps_send_progress_and_status_changes(
    standin: DjangoClientAdapter,
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit(citizen, online_procedure)
    with django_capture_on_commit_callbacks(execute=True):
        act(dossier, officers["reception"], "accept")
    with django_capture_on_commit_callbacks(execute=True):
        act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    with django_capture_on_commit_callbacks(execute=True):
        act(dossier, officers["specialist"], "propose", comment="Đủ điều kiện cấp phiếu.")

    assert entries(dossier) == [
        ("create", "sent", 1),
        ("progress", "sent", 1),  # accept: receiving → new
        ("status", "sent", 1),
        ("progress", "sent", 1),  # assign: new → processing
        ("status", "sent", 1),
        ("progress", "sent", 1),  # propose: processing → processing, no status change
    ]
    national = StandinDossier.objects.get()
    assert national.status == 4
    received = list(national.entries.order_by("pk").values_list("kind", "status"))
    assert received == [
        ("progress", 2),
        ("status", 2),
        ("progress", 4),
        ("status", 4),
        ("progress", 4),
    ]
    last = national.entries.order_by("pk").last()
    assert last is not None
    assert last.data["NoiDungXuLy"].endswith(": Đủ điều kiện cấp phiếu.")
    assert last.data["PhongBanXuLy"] == dossier.agency.name
    assert DossierSync.objects.get(dossier=dossier).synchronised is True


def test_drafts_never_leave_the_system(
    standin: DjangoClientAdapter, citizen: Any, online_procedure: Procedure
) -> None:
    draft = dossier_services.dossier_draft_save(
        applicant=citizen, procedure=online_procedure, form_data=dict(EXAMPLE), files={}
    )
    assert draft.status == "draft"
    assert DossierSync.objects.count() == 0
    assert SyncEntry.objects.count() == 0
    assert standin.calls == []


def test_switched_off_nothing_is_recorded(
    standin: DjangoClientAdapter,
    settings: Any,
    citizen: Any,
    online_procedure: Procedure,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.NATIONAL_SYNC_ENABLED = False
    with django_capture_on_commit_callbacks(execute=True):
        submit(citizen, online_procedure)
    assert (DossierSync.objects.count(), SyncEntry.objects.count()) == (0, 0)
    assert standin.calls == []
    assert services.sync_due_deliver().dossiers == 0


def test_an_outage_delays_delivery_in_order_and_nothing_is_doubled(
    standin: DjangoClientAdapter,
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    StandinSwitch.objects.create(failing=True)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit(citizen, online_procedure)
    after = timezone.now()
    first = SyncEntry.objects.get(dossier=dossier)
    assert (first.state, first.attempts) == ("pending", 1)
    assert "HTTP 503" in first.last_error
    assert before + timedelta(seconds=60) <= first.next_attempt_at <= after + timedelta(seconds=60)
    sync = DossierSync.objects.get(dossier=dossier)
    assert (sync.synchronised, sync.national_code) == (False, "")
    assert "Hệ thống đang bảo trì" in sync.last_error

    # An action meanwhile: its entries wait behind the create, which waits for its backoff.
    calls = len(standin.calls)
    with django_capture_on_commit_callbacks(execute=True):
        act(dossier, officers["reception"], "accept")
    assert len(standin.calls) == calls
    assert entries(dossier) == [
        ("create", "pending", 1),
        ("progress", "pending", 0),
        ("status", "pending", 0),
    ]
    # Not due yet: the beat's run sends nothing.
    assert services.sync_due_deliver().sent == 0
    assert len(standin.calls) == calls

    # Due again, still down (the network this time): the wait doubles.
    SyncEntry.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
    standin.down = True
    report = services.sync_due_deliver()
    assert (report.dossiers, report.sent, report.failed) == (1, 0, 1)
    first.refresh_from_db()
    assert first.attempts == 2
    assert "Không kết nối được Cổng quốc gia" in first.last_error
    assert first.next_attempt_at - timezone.now() > timedelta(seconds=110)

    # Back up, and due: everything goes, in order, once.
    standin.down = False
    StandinSwitch.objects.update(failing=False)
    SyncEntry.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
    report = services.sync_due_deliver()
    assert (report.dossiers, report.sent, report.failed) == (1, 3, 0)
    assert entries(dossier) == [
        ("create", "sent", 3),
        ("progress", "sent", 1),
        ("status", "sent", 1),
    ]
    sync.refresh_from_db()
    assert sync.synchronised is True
    national = StandinDossier.objects.get(code=sync.national_code)
    assert (national.status, national.entries.count()) == (2, 2)

    # An answer lost on the way: the same entries sent again are recorded once.
    SyncEntry.objects.filter(dossier=dossier).update(state="pending")
    report = services.sync_due_deliver()
    assert report.sent == 3
    assert StandinDossier.objects.filter(received_at__isnull=False).count() == 1
    assert StandinEntry.objects.count() == 2
    assert StandinFile.objects.count() == 1


def test_a_refused_entry_fails_and_holds_back_the_later_ones(
    standin: DjangoClientAdapter,
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    StandinSwitch.objects.create(failing=True)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit(citizen, online_procedure)
        act(dossier, officers["reception"], "accept")
    StandinSwitch.objects.update(failing=False)
    create = SyncEntry.objects.filter(dossier=dossier).order_by("pk").first()
    assert create is not None
    create.payload = {**create.payload, "ChuHoSo": "", "NgayNop": "27/11/2026"}
    create.next_attempt_at = timezone.now()
    create.save()

    delivery = services.dossier_sync_deliver(dossier_id=dossier.pk)
    assert (delivery.sent, delivery.failed) == (0, 1)
    create.refresh_from_db()
    assert create.state == "failed"
    assert "HTTP 400" in create.last_error
    assert "ChuHoSo: Bắt buộc." in create.last_error
    assert "NgayNop: Sai định dạng, cần yyyyMMddHHmmss." in create.last_error
    assert entries(dossier)[1:] == [("progress", "pending", 0), ("status", "pending", 0)]
    # The beat does not send past a refused entry.
    assert services.sync_due_deliver().sent == 0
    assert StandinDossier.objects.filter(received_at__isnull=False).count() == 0

    # Corrected, an administrator's retry sends everything.
    create.payload = {**create.payload, "ChuHoSo": "Nguyễn Văn An", "NgayNop": "20261127080000"}
    create.save()
    report = services.dossiers_sync_retry(dossier_ids=[dossier.pk])
    assert (report.sent, report.failed) == (3, 0)
    assert DossierSync.objects.get(dossier=dossier).synchronised is True


def test_bad_configuration_is_a_clear_error_and_loses_nothing(
    standin: DjangoClientAdapter,
    settings: Any,
    citizen: Any,
    online_procedure: Procedure,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.NATIONAL_SYNC_CLIENT_ID = ""
    settings.NATIONAL_SYNC_URL = "dvcqg.example.gov.vn"
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit(citizen, online_procedure)
    entry = SyncEntry.objects.get(dossier=dossier)
    assert (entry.state, entry.attempts) == ("pending", 1)
    assert entry.last_error == (
        "NATIONAL_SYNC_URL phải là địa chỉ http:// hoặc https:// "
        "(đang là 'dvcqg.example.gov.vn'). Chưa cấu hình NATIONAL_SYNC_CLIENT_ID."
    )
    assert standin.calls == []

    # A wrong secret: the service refuses the token; kept for later, like an outage.
    settings.NATIONAL_SYNC_CLIENT_ID = "tinh-binh-phuoc"
    settings.NATIONAL_SYNC_URL = "https://dvcqg.example.gov.vn/national-sync/standin/"
    settings.NATIONAL_SYNC_CLIENT_SECRET = "sai"
    report = services.dossiers_sync_retry(dossier_ids=[dossier.pk])
    assert report.failed == 1
    entry.refresh_from_db()
    assert (entry.state, entry.attempts) == ("pending", 2)
    assert entry.last_error == (
        "Cổng quốc gia từ chối xác thực (HTTP 401): Sai client_id hoặc client_secret."
    )
    settings.NATIONAL_SYNC_CLIENT_SECRET = "bi-mat-dong-bo"
    assert services.dossiers_sync_retry(dossier_ids=[dossier.pk]).sent == 1
    assert DossierSync.objects.get(dossier=dossier).synchronised is True


def test_dossiers_from_before_the_switch_are_backfilled(
    standin: DjangoClientAdapter,
    settings: Any,
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
) -> None:
    settings.NATIONAL_SYNC_ENABLED = False
    dossier = submit(citizen, online_procedure)
    act(dossier, officers["reception"], "accept")
    settings.NATIONAL_SYNC_ENABLED = True
    assert services.dossiers_sync_backfill() == 1
    assert services.dossiers_sync_backfill() == 0
    assert entries(dossier) == [("create", "pending", 0)]
    report = services.sync_due_deliver()
    assert (report.dossiers, report.sent) == (1, 1)
    national = StandinDossier.objects.get()
    assert national.status == 2  # as it is now: accepted
    assert national.data["NgayTiepNhan"] != ""
    assert DossierSync.objects.get(dossier=dossier).synchronised is True


def test_a_second_sender_leaves_a_dossier_being_delivered_alone(
    standin: DjangoClientAdapter, citizen: Any, online_procedure: Procedure
) -> None:
    dossier = submit(citizen, online_procedure)  # the delivery, queued on commit, never ran
    DossierSync.objects.filter(dossier=dossier).update(
        lease_until=timezone.now() + timedelta(minutes=1)
    )
    report = services.dossier_sync_deliver(dossier_id=dossier.pk)
    assert (report.held, report.sent) == (True, 0)
    assert standin.calls == []
    DossierSync.objects.filter(dossier=dossier).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert services.dossier_sync_deliver(dossier_id=dossier.pk).sent == 1
    assert DossierSync.objects.get(dossier=dossier).lease_until is None


def test_a_dossier_received_from_another_installation_is_left_to_it(
    standin: DjangoClientAdapter,
    settings: Any,
    citizen: Any,
    other_citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from dichvucong.dossiers.events import event_record

    settings.NATIONAL_SYNC_ENABLED = False
    received = submit(citizen, online_procedure, key="k-1")
    backfilled = submit(other_citizen, online_procedure, key="k-2")
    event_record(dossier=backfilled, action="exchange_received", to_status=backfilled.status)
    settings.NATIONAL_SYNC_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        # As interop.exchange writes it when a partner's dossier arrives.
        event_record(dossier=received, action="exchange_received", to_status=received.status)
        act(received, officers["reception"], "accept")
    sync = DossierSync.objects.get(dossier=received)
    assert (sync.reported_elsewhere, sync.synchronised) == (True, True)
    assert services.dossiers_sync_backfill() == 0
    assert DossierSync.objects.get(dossier=backfilled).reported_elsewhere is True
    assert SyncEntry.objects.count() == 0
    assert standin.calls == []


def test_interoperating_is_processing_with_a_progress_entry_saying_so(
    standin: DjangoClientAdapter,
    citizen: Any,
    online_procedure: Procedure,
    officers: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from dichvucong.dossiers.events import event_record

    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit(citizen, online_procedure)
        act(dossier, officers["reception"], "accept")
        act(dossier, officers["head"], "assign", assignee=officers["specialist"])
    dossier.refresh_from_db()
    dossier.status = "interoperating"
    dossier.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        # As the inter-agency legs write it when the dossier goes to another agency.
        event_record(
            dossier=dossier,
            action="leg_sent",
            action_name="Chuyển hồ sơ liên thông đến Sở Xây dựng",
            from_status="processing",
            to_status="interoperating",
            from_state="examining",
            to_state="examining",
            actor=officers["specialist"],
        )
    last = SyncEntry.objects.filter(dossier=dossier).order_by("pk").last()
    assert last is not None
    assert (last.kind, last.state) == ("progress", "sent")  # 4 → 4: no status entry
    national = StandinDossier.objects.get()
    entry = national.entries.order_by("pk").last()
    assert entry is not None
    assert (entry.kind, entry.status) == ("progress", 4)
    assert entry.data["NoiDungXuLy"] == (
        "Chuyển hồ sơ liên thông đến Sở Xây dựng (đang liên thông)"
    )
    assert national.status == 4
