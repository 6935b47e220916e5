"""Electronic results in the demo: three procedures received in Đồng Xoài issue signed
results, and one household-business dossier is approved with its result issued and its
paper copy on its way by post.

- 1.502011.000.00.00.H10 Đăng ký thành lập hộ kinh doanh (UBND thị xã Đồng Xoài): a
  template of its own; it has fees, paid online (demo/payments.py): level 4.
- 1.701088.000.00.00.H10 Cấp bản sao trích lục hộ tịch (UBND phường Tân Phú): fees paid
  online, the default template: level 4.
- 1.701003.000.00.00.H10 Đăng ký khai sinh (UBND phường Tân Phú): no fee, the default
  template: level 4.

Run after the development PKI exists (`pki_ensure_demo`), so the result is signed.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import selectors as dossier_selectors
from dichvucong.dossiers.actions import ActionRequest, dossier_action_execute
from dichvucong.dossiers.services import dossier_submit
from dichvucong.eforms.models import EForm
from dichvucong.results.models import IssuedResult, PostalDelivery, ResultTemplate
from dichvucong.results.services import (
    issued_result_sign,
    postal_delivery_request,
    postal_delivery_update,
    procedure_online_result_set,
    result_template_save,
)

from .services import DEMO_AGENCY, HOUSEHOLD_BUSINESS, demo_pdf

DEMO_RESULT_PROCEDURES = (HOUSEHOLD_BUSINESS, "1.701088.000.00.00.H10", "1.701003.000.00.00.H10")

HOUSEHOLD_TITLE = "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH"
HOUSEHOLD_BODY = """<p>{{ agency_name }} chứng nhận hộ kinh doanh do Ông/Bà:</p>
<table class="facts">
  <tr><td>Họ và tên:</td><td><b>{{ applicant_name|upper }}</b></td></tr>
  <tr><td>Số định danh cá nhân:</td><td>{{ applicant_id_number|default:"…" }}</td></tr>
  <tr><td>Nơi cư trú:</td><td>{{ applicant_address|default:"…" }}</td></tr>
</table>
<p>làm đại diện đã được đăng ký thành lập theo hồ sơ mã số <b>{{ dossier_code }}</b>,
tiếp nhận {{ received_on }}, số thứ tự {{ register_number }} trong sổ theo dõi hồ sơ năm
{{ register_year }}.</p>
<p>Hộ kinh doanh có trách nhiệm kinh doanh đúng ngành, nghề đã đăng ký và thực hiện
đầy đủ nghĩa vụ thuế theo quy định của pháp luật.</p>
<p>Giấy chứng nhận này được cấp dưới dạng văn bản điện tử có chữ ký số của
{{ agency_name }}; kiểm tra tại {{ verify_url }}.</p>
"""

STEPS = [
    ("tiepnhan.dx", "accept", {}),
    ("lanhdao.dx", "assign", {"assignee": "chuyenvien.dx"}),
    ("chuyenvien.dx", "propose", {"comment": "Hồ sơ đủ điều kiện đăng ký hộ kinh doanh."}),
    ("lanhdao.dx", "approve", {}),
]


def demo_results_load() -> int:
    """Switch online results on for the demo procedures, give one its template, and issue
    the result of one approved demo dossier; return how many changes were made (0 when
    everything was already there)."""
    changed = 0
    for procedure in Procedure.objects.filter(code__in=DEMO_RESULT_PROCEDURES):
        if not procedure.online_result_enabled:
            procedure_online_result_set(procedure=procedure, enabled=True)
            changed += 1
    household = Procedure.objects.filter(code=HOUSEHOLD_BUSINESS).first()
    if household is not None and not ResultTemplate.objects.filter(procedure=household).exists():
        result_template_save(
            procedure=household,
            title=HOUSEHOLD_TITLE,
            body=HOUSEHOLD_BODY,
            signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        )
        changed += 1
    if household is not None:
        changed += _demo_issued_dossier(household)
    return changed


def _demo_issued_dossier(procedure: Procedure) -> int:
    """Submit a household-business dossier, take it to approval (which issues its signed
    result) and send its paper copy by post; once."""
    applicant = User.objects.filter(username="congdan.demo").first()
    if applicant is None or procedure.current_version is None:
        return 0
    case = dossier_selectors.case_for_version(version=procedure.current_version)
    eform = EForm.objects.filter(procedure=procedure, case_name=case.name).first()
    if eform is None:
        return 0
    files = {
        r.field: [
            SimpleUploadedFile(
                f"{r.field}.pdf", demo_pdf(r.document.name), content_type="application/pdf"
            )
        ]
        for r in dossier_selectors.document_requirements(case=case, eform=eform)
        if r.needs_upload
    }
    submitted = dossier_submit(
        applicant=applicant,
        procedure=procedure,
        form_data=dict(eform.example),
        files=files,
        idempotency_key="demo-result-1",
        agency_code=DEMO_AGENCY,
    )
    if submitted.replayed:
        return 0
    dossier = submitted.dossier
    postal_delivery_request(
        dossier=dossier,
        applicant=applicant,
        recipient_name="Trần Văn Bình",
        phone="0912345678",
        address="25 đường Trần Hưng Đạo, phường Tân Phú, thị xã Đồng Xoài, tỉnh Bình Phước",
    )
    for actor_name, action, values in STEPS:
        dossier_action_execute(
            dossier=dossier,
            actor=User.objects.get(username=actor_name),
            request=ActionRequest(
                action=action,
                comment=str(values.get("comment", "")),
                assignee=(
                    User.objects.get(username=str(values["assignee"]))
                    if "assignee" in values
                    else None
                ),
            ),
        )
    # Signed after the approval's commit; signing here too (idempotent) makes the demo's
    # result issued even where the commit is not the end of the transaction (tests).
    issued_result_sign(result_id=IssuedResult.objects.get(dossier=dossier).pk)
    postal_delivery_update(
        delivery=PostalDelivery.objects.get(dossier=dossier),
        officer=User.objects.get(username="tiepnhan.dx"),
        status="sent",
        tracking_number="EB123456789VN",
        note="Gửi tại bưu cục Đồng Xoài",
    )
    return 1
