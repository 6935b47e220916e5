"""Shared fixtures (loaded by the root conftest): an online procedure with its e-form, files."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dichvucong.catalogue.models import Procedure, ProcedureVersion
from dichvucong.eforms.services import eform_upsert, procedure_online_submission_set

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ho_ten": {
            "title": "Họ và tên",
            "x-kind": "text",
            "type": "string",
            "maxLength": 100,
            "x-prefill": "full_name",
        },
        "so_dinh_danh": {
            "title": "Số định danh cá nhân",
            "x-kind": "citizen_id",
            "type": "string",
            "pattern": "^[0-9]{12}$",
            "x-prefill": "citizen_id",
        },
        "muc_dich": {
            "title": "Mục đích sử dụng phiếu",
            "x-kind": "text",
            "type": "string",
            "maxLength": 300,
        },
        "so_luong": {
            "title": "Số lượng phiếu",
            "x-kind": "number",
            "type": "integer",
            "minimum": 1,
            "maximum": 10,
        },
    },
    "required": ["ho_ten", "so_dinh_danh", "muc_dich", "so_luong"],
    "additionalProperties": False,
}
LAYOUT = {
    "sections": [
        {"title": "Người yêu cầu", "fields": ["ho_ten", "so_dinh_danh"]},
        {"title": "Yêu cầu", "fields": ["muc_dich", "so_luong"]},
    ]
}
EXAMPLE = {
    "ho_ten": "Nguyễn Văn An",
    "so_dinh_danh": "074090001234",
    "muc_dich": "Bổ sung hồ sơ xin việc",
    "so_luong": 1,
}
# The justice-record sample: document 1 is the declaration (the e-form), 2 the ID copy.
ID_COPY_FIELD = "document_2"


def pdf_bytes(size: int = 2000, *, signed: bool = False) -> bytes:
    body = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"
    if signed:
        body += b"2 0 obj << /Type /Sig /ByteRange [0 10 20 30] /Contents <00> >> endobj\n"
    return body + b"%" + b"x" * max(0, size - len(body) - 7) + b"\n%%EOF\n"


def pdf_upload(name: str = "cccd.pdf", size: int = 2000, **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(size, **kwargs), content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def online_procedure(procedures: list[ProcedureVersion]) -> Procedure:
    """The justice-record procedure, with an e-form and online submission on."""
    procedure = procedures[0].procedure
    eform_upsert(
        procedure=procedure,
        title="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
        schema=SCHEMA,
        layout=LAYOUT,
        example=EXAMPLE,
    )
    procedure_online_submission_set(procedure=procedure, enabled=True)
    procedure.refresh_from_db()
    return procedure


@pytest.fixture
def fresh_storage(settings: Any) -> None:
    """Give each test an empty in-memory storage, so stored files can be counted."""
    settings.STORAGES = {**settings.STORAGES}


def default_state(code: str) -> Any:
    """Return a state of the default workflow (tests place dossiers there directly)."""
    from dichvucong.workflows.models import WorkflowState

    return WorkflowState.objects.get(workflow__is_default=True, code=code)


def make_officer(username: str, agency: Any, *roles: str, unit: Any = None) -> Any:
    """Create an officer with `roles` at `agency` (one membership row per role)."""
    from dichvucong.accounts.models import Membership, User

    user = User.objects.create_user(
        username=username,
        password="Mot-cua-2015!",
        email=f"{username}@binhphuoc.gov.vn",
        first_name=username.split(".")[0].title(),
        last_name="Nguyễn",
    )
    for role in roles:
        Membership.objects.create(user=user, agency=agency, unit=unit, role=role)
    return user


@pytest.fixture
def officers(province: dict[str, Any]) -> dict[str, Any]:
    """Officers of Sở Tư pháp (where the online procedure is received), and outsiders."""
    justice = province["000.00.01.H10"]
    return {
        "reception": make_officer(
            "tiepnhan.stp", justice, "reception", unit=province["001.00.01.H10"]
        ),
        "specialist": make_officer("chuyenvien.stp", justice, "specialist"),
        "specialist2": make_officer("chuyenvien2.stp", justice, "specialist"),
        "head": make_officer("truongphong.stp", justice, "unit_head"),
        "approver": make_officer("giamdoc.stp", justice, "approver"),
        "outsider": make_officer(
            "canbo.sxd",
            province["000.00.03.H10"],
            "reception",
            "specialist",
            "unit_head",
            "approver",
        ),
        "supervisor": make_officer("giamsat.stttt", province["000.00.00.H10"], "supervisor"),
    }
