from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import services
from dichvucong.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierSequence,
    DossierStatus,
)
from dichvucong.dossiers.tests.fixtures import default_state
from dichvucong.notifications.models import Delivery, Notification

from .fixtures import EXAMPLE, ID_COPY_FIELD, docx_bytes, pdf_upload


def stored_files() -> list[str]:
    try:
        default_storage.listdir("dossiers")
    except FileNotFoundError:
        return []
    names: list[str] = []

    def walk(path: str) -> None:
        dirs, files = default_storage.listdir(path)
        names.extend(f"{path}/{f}" for f in files)
        for d in dirs:
            walk(f"{path}/{d}")

    walk("dossiers")
    return names


def submit(applicant: Any, procedure: Procedure, **kwargs: Any) -> services.SubmissionResult:
    values: dict[str, Any] = {
        "form_data": dict(EXAMPLE),
        "files": {ID_COPY_FIELD: [pdf_upload()]},
        "idempotency_key": "key-1",
    }
    values.update(kwargs)
    return services.dossier_submit(applicant=applicant, procedure=procedure, **values)


def test_submit_gives_a_code_stores_files_logs_and_notifies(
    citizen: Any, online_procedure: Procedure, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(citizen, online_procedure)
    dossier = result.dossier
    today = timezone.localdate()
    assert result.replayed is False
    assert dossier.code == f"000.00.01.H10-{today:%y%m%d}-0001"
    assert dossier.status == DossierStatus.RECEIVING
    assert dossier.agency.code == "000.00.01.H10"
    assert dossier.applicant_name == "Nguyễn Văn An"
    assert dossier.applicant_id_number == "074090001234"
    assert dossier.applicant_address == (
        "12 đường Phú Riềng Đỏ, Phường Tân Phú, Thị xã Đồng Xoài, Tỉnh Bình Phước"
    )
    document = dossier.documents.get()
    assert document.original_name == "cccd.pdf"
    assert document.kind == "pdf"
    assert default_storage.exists(str(document.file.name))
    assert [(e.action, e.from_status, e.to_status) for e in dossier.events.all()] == [
        ("submitted", "", "receiving")
    ]
    notification = Notification.objects.get(user=citizen)
    assert notification.event == "dossier_submitted"
    assert dossier.code in notification.body
    assert Delivery.objects.filter(notification=notification, channel="email").count() == 1


def test_codes_follow_per_agency_per_day(citizen: Any, online_procedure: Procedure) -> None:
    first = submit(citizen, online_procedure, idempotency_key="a").dossier
    second = submit(citizen, online_procedure, idempotency_key="b").dossier
    assert first.code is not None and second.code is not None
    assert first.code.endswith("-0001")
    assert second.code.endswith("-0002")
    assert DossierSequence.objects.get().last == 2


def test_same_key_same_content_returns_the_same_dossier(
    citizen: Any, online_procedure: Procedure
) -> None:
    first = submit(citizen, online_procedure)
    again = submit(citizen, online_procedure)
    assert again.replayed is True
    assert again.dossier.pk == first.dossier.pk
    assert Dossier.objects.count() == 1
    assert DossierDocument.objects.count() == 1
    assert len(stored_files()) == 1


def test_same_key_other_content_is_a_conflict(citizen: Any, online_procedure: Procedure) -> None:
    submit(citizen, online_procedure)
    other = dict(EXAMPLE, so_luong=2)
    with pytest.raises(services.IdempotencyConflict):
        submit(citizen, online_procedure, form_data=other)
    assert Dossier.objects.count() == 1


def test_keys_are_per_applicant(
    citizen: Any, other_citizen: Any, online_procedure: Procedure
) -> None:
    submit(citizen, online_procedure)
    theirs = submit(
        other_citizen, online_procedure, form_data=dict(EXAMPLE, ho_ten="Trần Thị Bình")
    )
    assert theirs.replayed is False
    assert Dossier.objects.count() == 2


def test_missing_key_is_refused(citizen: Any, online_procedure: Procedure) -> None:
    with pytest.raises(ValidationError) as info:
        submit(citizen, online_procedure, idempotency_key=" ")
    assert list(info.value.message_dict) == ["idempotency_key"]
    assert Dossier.objects.count() == 0


def test_invalid_form_data_names_each_field(citizen: Any, online_procedure: Procedure) -> None:
    data = dict(EXAMPLE, so_dinh_danh="12345", so_luong=0)
    del data["muc_dich"]
    with pytest.raises(ValidationError) as info:
        submit(citizen, online_procedure, form_data=data)
    assert sorted(info.value.message_dict) == [
        "form_data.muc_dich",
        "form_data.so_dinh_danh",
        "form_data.so_luong",
    ]
    assert Dossier.objects.count() == 0
    assert stored_files() == []


def test_missing_required_document_is_refused(citizen: Any, online_procedure: Procedure) -> None:
    with pytest.raises(ValidationError) as info:
        submit(citizen, online_procedure, files={})
    assert info.value.message_dict == {
        ID_COPY_FIELD: ["Vui lòng đính kèm “Bản chụp chứng minh nhân dân hoặc hộ chiếu”."]
    }
    assert Dossier.objects.count() == 0


def test_disguised_file_is_refused_by_content(citizen: Any, online_procedure: Procedure) -> None:
    fake = SimpleUploadedFile("cccd.pdf", b"MZ\x90\x00" + b"\x00" * 500, "application/pdf")
    with pytest.raises(ValidationError) as info:
        submit(citizen, online_procedure, files={ID_COPY_FIELD: [fake]})
    (message,) = info.value.message_dict[ID_COPY_FIELD]
    assert message.startswith("Tệp “cccd.pdf” không phải PDF, JPEG, PNG, DOCX hoặc XLSX")
    assert Dossier.objects.count() == 0
    assert stored_files() == []


def test_real_types_are_accepted_whatever_their_name(
    citizen: Any, online_procedure: Procedure
) -> None:
    png = SimpleUploadedFile("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    docx = SimpleUploadedFile("giay.bin", docx_bytes())
    signed = pdf_upload("ky-so.pdf", signed=True)
    result = submit(citizen, online_procedure, files={ID_COPY_FIELD: [png, docx, signed]})
    kinds = sorted(result.dossier.documents.values_list("kind", flat=True))
    assert kinds == ["docx", "png", "signed_pdf"]
    names = sorted(str(d.file.name).rsplit(".", 1)[-1] for d in result.dossier.documents.all())
    assert names == ["bin", "pdf", "pdf"]


def test_a_zip_that_is_not_office_is_refused(citizen: Any, online_procedure: Procedure) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("virus.exe", "MZ")
    upload = SimpleUploadedFile("bao-cao.docx", buffer.getvalue())
    with pytest.raises(ValidationError):
        submit(citizen, online_procedure, files={ID_COPY_FIELD: [upload]})
    assert Dossier.objects.count() == 0


def test_size_limits(citizen: Any, online_procedure: Procedure, settings: Any) -> None:
    settings.DOSSIER_MAX_FILE_BYTES = 5000
    settings.DOSSIER_MAX_TOTAL_BYTES = 8000
    with pytest.raises(ValidationError) as info:
        submit(citizen, online_procedure, files={ID_COPY_FIELD: [pdf_upload(size=6000)]})
    assert "vượt quá dung lượng cho phép" in info.value.message_dict[ID_COPY_FIELD][0]
    with pytest.raises(ValidationError) as info:
        submit(
            citizen,
            online_procedure,
            files={ID_COPY_FIELD: [pdf_upload(size=4500), pdf_upload("b.pdf", size=4500)]},
        )
    assert "Tổng dung lượng tệp của hồ sơ" in info.value.messages[0]
    assert Dossier.objects.count() == 0
    assert stored_files() == []


def test_unknown_upload_field_is_refused(citizen: Any, online_procedure: Procedure) -> None:
    with pytest.raises(ValidationError) as info:
        submit(
            citizen,
            online_procedure,
            files={ID_COPY_FIELD: [pdf_upload()], "document_99": [pdf_upload()]},
        )
    assert list(info.value.message_dict) == ["document_99"]


def test_a_crash_mid_submission_leaves_no_dossier_and_no_files(
    citizen: Any, online_procedure: Procedure, monkeypatch: Any
) -> None:
    def crash(event: Any) -> None:
        raise RuntimeError("the last step of the transaction failed")

    monkeypatch.setattr(services, "_notify_after_commit", crash)
    with pytest.raises(RuntimeError):
        submit(citizen, online_procedure)
    assert Dossier.objects.count() == 0
    assert DossierDocument.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert stored_files() == []
    # The number was given back: the next dossier of the day is still 0001.
    monkeypatch.undo()
    assert submit(citizen, online_procedure).dossier.code.endswith("-0001")  # type: ignore[union-attr]


def test_procedure_not_online_is_refused(citizen: Any, procedures: Any) -> None:
    procedure = procedures[1].procedure
    with pytest.raises(ValidationError) as info:
        submit(citizen, procedure)
    assert list(info.value.message_dict) == ["procedure"]


def test_draft_then_submit(citizen: Any, online_procedure: Procedure) -> None:
    draft = services.dossier_draft_save(
        applicant=citizen,
        procedure=online_procedure,
        form_data={"ho_ten": "Nguyễn Văn An"},
        files={},
    )
    assert draft.code is None
    assert draft.status == DossierStatus.DRAFT
    with pytest.raises(ValidationError) as info:
        services.dossier_draft_submit(dossier=draft, applicant=citizen)
    assert ID_COPY_FIELD in info.value.message_dict
    assert "form_data.muc_dich" in info.value.message_dict
    draft = services.dossier_draft_save(
        applicant=citizen,
        procedure=online_procedure,
        dossier=draft,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [pdf_upload()]},
    )
    submitted = services.dossier_draft_submit(dossier=draft, applicant=citizen)
    assert submitted.pk == draft.pk
    assert submitted.status == DossierStatus.RECEIVING
    assert submitted.code is not None and submitted.code.endswith("-0001")
    # A second click changes nothing.
    again = services.dossier_draft_submit(dossier=draft, applicant=citizen)
    assert again.code == submitted.code
    assert [e.action for e in submitted.events.all()] == ["draft_saved", "submitted"]


def test_draft_of_another_applicant_cannot_be_saved_or_submitted(
    citizen: Any, other_citizen: Any, online_procedure: Procedure
) -> None:
    draft = services.dossier_draft_save(
        applicant=citizen, procedure=online_procedure, form_data=dict(EXAMPLE), files={}
    )
    with pytest.raises(Dossier.DoesNotExist):
        services.dossier_draft_save(
            applicant=other_citizen,
            procedure=online_procedure,
            dossier=draft,
            form_data={},
            files={},
        )
    with pytest.raises(Dossier.DoesNotExist):
        services.dossier_draft_submit(dossier=draft, applicant=other_citizen)
    draft.refresh_from_db()
    assert draft.form_data == EXAMPLE
    assert draft.status == DossierStatus.DRAFT


def test_removing_a_draft_file_deletes_it_after_commit(
    citizen: Any, online_procedure: Procedure, django_capture_on_commit_callbacks: Any
) -> None:
    draft = services.dossier_draft_save(
        applicant=citizen,
        procedure=online_procedure,
        form_data={},
        files={ID_COPY_FIELD: [pdf_upload()]},
    )
    document = draft.documents.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_draft_save(
            applicant=citizen,
            procedure=online_procedure,
            dossier=draft,
            form_data={},
            files={},
            remove_document_ids=[document.pk],
        )
    assert not draft.documents.exists()
    assert not default_storage.exists(str(document.file.name))


def test_withdraw(
    citizen: Any, online_procedure: Procedure, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = submit(citizen, online_procedure).dossier
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.dossier_withdraw(dossier=dossier, applicant=citizen, reason="Nộp nhầm")
    assert withdrawn.status == DossierStatus.CANCELLED
    assert withdrawn.withdrawn_at is not None
    last = withdrawn.events.last()
    assert last is not None
    assert (
        last.action,
        last.from_status,
        last.to_status,
        last.from_state,
        last.to_state,
        last.comment,
    ) == ("withdraw", "receiving", "cancelled", "submitted", "withdrawn", "Nộp nhầm")
    assert withdrawn.state is not None and withdrawn.state.code == "withdrawn"
    assert Notification.objects.filter(user=citizen, event="dossier_withdrawn").count() == 1
    # Again: unchanged, no second event.
    services.dossier_withdraw(dossier=dossier, applicant=citizen)
    assert withdrawn.events.count() == 2


def test_withdraw_refused_once_accepted(citizen: Any, online_procedure: Procedure) -> None:
    dossier = submit(citizen, online_procedure).dossier
    Dossier.objects.filter(pk=dossier.pk).update(
        status=DossierStatus.NEW, state=default_state("assigning")
    )
    with pytest.raises(ValidationError):
        services.dossier_withdraw(dossier=dossier, applicant=citizen)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW


def test_withdraw_of_another_applicants_dossier(
    citizen: Any, other_citizen: Any, online_procedure: Procedure
) -> None:
    dossier = submit(citizen, online_procedure).dossier
    with pytest.raises(Dossier.DoesNotExist):
        services.dossier_withdraw(dossier=dossier, applicant=other_citizen)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVING


def test_events_are_append_only(citizen: Any, online_procedure: Procedure) -> None:
    event = submit(citizen, online_procedure).dossier.events.get()
    event.comment = "sửa"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_notification_waits_for_the_commit_and_is_sent_once(
    citizen: Any, online_procedure: Procedure, django_capture_on_commit_callbacks: Any
) -> None:
    from dichvucong.dossiers.tasks import dossier_event_notify

    with django_capture_on_commit_callbacks() as callbacks:
        dossier = submit(citizen, online_procedure).dossier
    # Nothing is rendered or sent inside the submission's transaction.
    assert Notification.objects.count() == 0
    assert len(callbacks) == 1
    callbacks[0]()
    event = dossier.events.get()
    dossier_event_notify(event.pk)  # a redelivered task
    notification = Notification.objects.get()
    assert notification.key == f"dossier-event:{event.pk}"
    assert notification.event == "dossier_submitted"
    assert Delivery.objects.filter(notification=notification, channel="email").count() == 1


def test_a_draft_save_notifies_nobody(
    citizen: Any, online_procedure: Procedure, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_draft_save(
            applicant=citizen, procedure=online_procedure, form_data={}, files={}
        )
    assert Notification.objects.count() == 0
