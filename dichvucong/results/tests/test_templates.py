"""Result templates: the sandbox refuses what it must, the admin saves and previews."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dichvucong.catalogue.models import Procedure
from dichvucong.results.models import ResultTemplate
from dichvucong.results.rendering import body_render, default_body
from dichvucong.results.services import result_template_save


def save(procedure: Procedure, body: str, title: str = "GIẤY CHỨNG NHẬN") -> ResultTemplate:
    return result_template_save(procedure=procedure, title=title, body=body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<p>{% if %}</p>", "Mẫu có lỗi cú pháp"),
        ("<p>{{ applicant_name|nosuchfilter }}</p>", "Mẫu có lỗi cú pháp"),
        ('{% include "portal/base.html" %}', "Mẫu dùng thẻ không được phép (IncludeNode)"),
        ("{% load i18n %}", "Mẫu có lỗi cú pháp"),
        ("{% debug %}", "Mẫu dùng thẻ không được phép (DebugNode)"),
        ('{% url "portal:home" %}', "Mẫu dùng thẻ không được phép (URLNode)"),
        ("{% csrf_token %}", "Mẫu dùng thẻ không được phép (CsrfTokenNode)"),
        ("<p>{{ secret_key }}</p>", "Mẫu dùng biến không có: secret_key."),
        ("<p>{{ form.no_such_answer }}</p>", "Mẫu dùng biến không có: form.no_such_answer."),
        ("   ", "Vui lòng nhập nội dung mẫu."),
        (
            '<img src="http://example.com/logo.png">',
            "Không tạo được bản PDF từ mẫu (mẫu chỉ dùng được ảnh nhúng dạng data:, không tải "
            'tài nguyên bên ngoài): Error fetching "http://example.com/logo.png"',
        ),
    ],
)
def test_a_template_that_breaks_the_sandbox_is_refused(
    online_procedure: Procedure, body: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        save(online_procedure, body)
    assert any(m.startswith(message) for m in raised.value.message_dict["body"])
    assert not ResultTemplate.objects.exists()


def test_a_title_is_required(online_procedure: Procedure) -> None:
    with pytest.raises(ValidationError) as raised:
        save(online_procedure, "<p>{{ dossier_code }}</p>", title=" ")
    assert raised.value.message_dict == {"title": ["Vui lòng nhập tên văn bản."]}
    assert not ResultTemplate.objects.exists()


def test_a_valid_template_is_saved(online_procedure: Procedure) -> None:
    template = save(online_procedure, "<p>{{ applicant_name }} — {{ form.muc_dich }}</p>")
    assert (template.procedure, template.title) == (online_procedure, "GIẤY CHỨNG NHẬN")
    # Saving again replaces it: one template per procedure.
    save(online_procedure, "<p>{{ dossier_code }}</p>", title="QUYẾT ĐỊNH")
    assert list(ResultTemplate.objects.values_list("title", flat=True)) == ["QUYẾT ĐỊNH"]


def test_values_are_escaped_and_models_unreachable() -> None:
    html = body_render(
        "<p>{{ applicant_name }}</p>", {"applicant_name": "<script>alert(1)</script>"}
    )
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_the_default_body_passes_its_own_checks(online_procedure: Procedure) -> None:
    template = save(online_procedure, default_body(), title="KẾT QUẢ")
    assert "{{ dossier_code }}" in template.body


def test_admin_saves_and_previews_a_template(
    admin_client: Client, online_procedure: Procedure
) -> None:
    response = admin_client.post(
        "/quan-tri/results/resulttemplate/add/",
        {
            "procedure": online_procedure.pk,
            "online_result_enabled": "on",
            "title": "GIẤY CHỨNG NHẬN",
            "signer_title": "GIÁM ĐỐC",
            "body": "<p>Cấp cho {{ applicant_name }}, hồ sơ {{ dossier_code }}.</p>",
            "postal_fee": "25000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = ResultTemplate.objects.get()
    assert template.postal_fee == 25000
    online_procedure.refresh_from_db()
    assert online_procedure.online_result_enabled is True
    preview = admin_client.get(f"/quan-tri/results/resulttemplate/{template.pk}/xem-truoc/")
    assert preview.status_code == 200
    assert preview["Content-Type"] == "application/pdf"
    assert preview.content.startswith(b"%PDF-")


def test_admin_shows_the_refusal(admin_client: Client, online_procedure: Procedure) -> None:
    response = admin_client.post(
        "/quan-tri/results/resulttemplate/add/",
        {"procedure": online_procedure.pk, "title": "X", "body": "{{ password }}"},
    )
    assert response.status_code == 200
    assert "Mẫu dùng biến không có: password." in response.content.decode()
    assert not ResultTemplate.objects.exists()
    online_procedure.refresh_from_db()
    assert online_procedure.online_result_enabled is False


def test_an_issued_result_uses_the_procedure_template(
    issued_with_template: Any,
) -> None:
    text = issued_with_template
    assert "GIẤY XÁC NHẬN" in text
    assert "Xác nhận cho NGUYỄN VĂN AN, mục đích: Bổ sung hồ sơ xin việc." in text
