from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from dichvucong.eforms.forms import eform_bound, eform_data_from_post, eform_form_errors
from dichvucong.eforms.validation import eform_validate

from .conftest import definition

pytestmark = pytest.mark.django_db


class FormSubmission(HTMLParser):
    """Collect what a browser would submit, plus every element's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.label_for: list[str] = []
        self._select: str | None = None
        self._textarea: dict[str, str] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "label" and "for" in a:
            self.label_for.append(a["for"])
        if tag == "input":
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif "name" in a:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline right after <textarea>.
            self.fields.append((self._textarea["name"], self._text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def controls(self) -> list[dict[str, str]]:
        return [
            a
            for tag, a in self.elements
            if tag in ("input", "select", "textarea") and a.get("type") != "hidden"
        ]


def render(eform: Any, data: Any, errors: Any = None) -> str:
    sections = eform_bound(eform=eform, data=data, errors=errors)
    return render_to_string(
        "eforms/_form.html",
        {"sections": sections, "form_errors": eform_form_errors(eform=eform, errors=errors)},
    )


def submit(html: str) -> QueryDict:
    parser = FormSubmission()
    parser.feed(html)
    post = QueryDict(mutable=True)
    for name, value in parser.fields:
        post.appendlist(name, value)
    return post


def test_render_then_parse_gives_back_the_same_data(eform) -> None:
    example = definition()["example"]
    post = submit(render(eform, example))
    assert eform_data_from_post(eform=eform, post=post) == example


def test_an_empty_form_submits_nothing_but_the_checkboxes(eform) -> None:
    post = submit(render(eform, {}))
    assert eform_data_from_post(eform=eform, post=post) == {
        "nhan_qua_buu_dien": False,
        "cam_doan": False,
    }


def test_posted_values_are_converted() -> None:
    eform = type("E", (), definition())()
    post = QueryDict(mutable=True)
    post.update(
        {
            "f-ho_ten": "  Nguyễn Văn An ",
            "f-so_ban": " 2 ",
            "f-dien_tich": "120,5",
            "f-noi_dung": "Dòng 1\r\nDòng 2",
            "f-dan_toc": "",
            "f-noi_cu_tru-unit": "25195",
            "f-noi_cu_tru-line": "",
            "f-cam_doan": "on",
            "f-thanh_vien-0-ho_ten": "",
            "f-thanh_vien-0-quan_he": "",
            "f-thanh_vien-1-ho_ten": "Trần Thị Bình",
            "f-thanh_vien-1-quan_he": "Vợ",
            "f-thanh_vien-2-ho_ten": "",
        }
    )
    assert eform_data_from_post(eform=eform, post=post) == {
        "ho_ten": "Nguyễn Văn An",
        "so_ban": 2,
        "dien_tich": 120.5,
        "noi_dung": "Dòng 1\nDòng 2",
        "noi_cu_tru": {"unit": "25195"},
        "thanh_vien": [{"ho_ten": "Trần Thị Bình", "quan_he": "Vợ"}],
        "nhan_qua_buu_dien": False,
        "cam_doan": True,
    }


def test_unparsable_numbers_stay_text_for_validation_to_report(eform) -> None:
    post = QueryDict("f-so_ban=hai&f-dien_tich=12m2")
    data = eform_data_from_post(eform=eform, post=post)
    assert (data["so_ban"], data["dien_tich"]) == ("hai", "12m2")
    errors = eform_validate(eform, data)
    assert errors["so_ban"] == ["Số bản đề nghị cấp phải là một số nguyên."]
    assert errors["dien_tich"] == ["Diện tích (m²) phải là một số."]


def test_every_control_has_a_label_and_required_ones_say_so(eform) -> None:
    parser = FormSubmission()
    parser.feed(render(eform, {}))
    controls = parser.controls()
    ids = [c["id"] for c in controls]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(set(parser.label_for))
    by_id = {c["id"]: c for c in controls}
    for required in (
        "id_f-ho_ten",
        "id_f-so_dinh_danh",
        "id_f-noi_cu_tru-unit",
        "id_f-noi_cu_tru-line",
        "id_f-cam_doan",
    ):
        assert (by_id[required].get("required"), by_id[required].get("aria-required")) == (
            "",
            "true",
        ), required
    # A radio button takes `required` but not aria-required (not an ARIA radio property).
    assert (
        by_id["id_f-gioi_tinh-0"].get("required"),
        by_id["id_f-gioi_tinh-0"].get("aria-required"),
    ) == ("", None)
    assert "required" not in by_id["id_f-dan_toc"]
    assert "required" not in by_id["id_f-thanh_vien-0-ho_ten"]
    assert by_id["id_f-ho_ten"]["aria-describedby"] == "id_f-ho_ten-help"
    assert by_id["id_f-ho_ten"]["maxlength"] == "100"
    assert by_id["id_f-ngay_sinh"]["type"] == "date"
    assert by_id["id_f-dien_thoai"]["type"] == "tel"
    assert by_id["id_f-thu_dien_tu"]["autocomplete"] == "email"
    assert by_id["id_f-so_ban"]["type"] == "number"
    assert "aria-invalid" not in by_id["id_f-ho_ten"]


def test_errors_are_tied_to_their_fields(eform) -> None:
    data = {"so_dinh_danh": "123", "thanh_vien": [{"ho_ten": "Bình"}]}
    errors = eform_validate(eform, data)
    html = render(eform, data, errors)
    parser = FormSubmission()
    parser.feed(html)
    by_id = {c["id"]: c for c in parser.controls()}
    field = by_id["id_f-so_dinh_danh"]
    assert (field["aria-invalid"], field["aria-describedby"]) == (
        "true",
        "id_f-so_dinh_danh-error",
    )
    assert re.search(
        r'<div class="field-errors" id="id_f-so_dinh_danh-error">'
        r'<p class="field-error">Số định danh cá nhân gồm đúng 12 chữ số.</p></div>',
        html,
    )
    ho_ten = by_id["id_f-ho_ten"]
    assert (ho_ten["aria-invalid"], ho_ten["aria-describedby"]) == (
        "true",
        "id_f-ho_ten-error id_f-ho_ten-help",
    )
    cell = by_id["id_f-thanh_vien-0-quan_he"]
    assert (cell["aria-invalid"], cell["aria-describedby"]) == (
        "true",
        "id_f-thanh_vien-0-quan_he-error",
    )
    assert "aria-invalid" not in by_id["id_f-thanh_vien-1-quan_he"]
    unit = by_id["id_f-noi_cu_tru-unit"]
    assert unit.get("aria-invalid") is None  # the whole address is missing: on the fieldset
    assert 'id="id_f-noi_cu_tru-error"' in html
    assert (
        '<li><a href="#id_f-thanh_vien-0-quan_he">Quan hệ với chủ hộ, dòng 1: '
        "Vui lòng chọn Quan hệ với chủ hộ.</a></li>"
    ) in html
    assert '<li><a href="#id_f-noi_cu_tru-legend">Vui lòng nhập Nơi cư trú.</a></li>' in html
    assert (
        '<li><a href="#id_f-so_dinh_danh">Số định danh cá nhân gồm đúng 12 chữ số.</a></li>' in html
    )


def test_whole_form_errors_are_shown(eform) -> None:
    html = render(eform, {}, {"": ["Dữ liệu biểu mẫu phải là một đối tượng JSON."]})
    assert "<li>Dữ liệu biểu mẫu phải là một đối tượng JSON.</li>" in html


def test_sections_fields_and_choices(eform) -> None:
    sections = eform_bound(eform=eform, data=definition()["example"], errors={})
    assert [s.title for s in sections] == [
        "Thông tin người đề nghị",
        "Nội dung đề nghị",
        "Cam đoan",
    ]
    assert [f.name for f in sections[0].fields] == [
        "ho_ten",
        "ngay_sinh",
        "gioi_tinh",
        "dan_toc",
        "so_dinh_danh",
        "dien_thoai",
        "thu_dien_tu",
        "noi_cu_tru",
    ]
    address = sections[0].fields[7]
    unit, line = address.parts
    assert [(g.label, [(c.value, c.label) for c in g.choices]) for g in unit.groups] == [
        ("Thị xã Đồng Xoài", [("25195", "Phường Tân Phú")])
    ]
    assert (unit.value, line.value) == ("25195", "12 đường Phú Riềng Đỏ")
    table = sections[1].fields[3]
    assert [c.label for c in table.columns] == [
        "Họ và tên",
        "Ngày sinh",
        "Quan hệ với chủ hộ",
        "Số định danh cá nhân",
    ]
    # Two rows of data plus three blank ones, capped at maxItems (5).
    assert [r.number for r in table.rows] == [1, 2, 3, 4, 5]
    assert [c.value for c in table.rows[1].cells] == ["Nguyễn Văn Cường", "", "Con", "074210000001"]
    assert [(c.value, c.label) for c in sections[0].fields[3].choices] == [
        ("Kinh", "Kinh"),
        ("Tày", "Tày"),
        ("Xtiêng", "Xtiêng"),
    ]


def test_the_table_has_header_cells_and_hidden_labels(eform) -> None:
    html = render(eform, {})
    assert (
        '<th scope="col">Quan hệ với chủ hộ '
        '<span class="required-mark" aria-hidden="true">*</span></th>' in html
    )
    assert '<th scope="row">3</th>' in html
    assert (
        '<label class="visually-hidden" for="id_f-thanh_vien-2-ngay_sinh">Ngày sinh, dòng 3</label>'
        in html
    )
    assert "id_f-thanh_vien-3-ho_ten" not in html  # three blank rows only
    assert '<optgroup label="Thị xã Đồng Xoài">' in html
