"""Render a result document: a sandboxed body inside the national administrative layout.

A procedure's `ResultTemplate.body` is written by staff in Django's template language.
It is compiled by an engine of its own that loads no tag library and reads no file, its
tags are checked against an allow-list (no `include`, `extends`, `load`, `debug`, `url`,
`csrf_token`...), and it sees only plain values: strings, numbers, dates and the e-form's
scalar answers, never a model. The page around it (Quốc hiệu, tiêu ngữ, the agency, the
number, place and date, the title, the signer block, the QR code to `/verify/<uuid>/`)
is `results/result_document.html`, rendered on A4 with WeasyPrint and the bundled
Liberation Serif, like the forms of `documents.circular01`. The document is a legal text
and always prints in Vietnamese.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import (
    Context,
    Engine,
    Node,
    Template,
    TemplateSyntaxError,
    defaulttags,
)
from django.template.base import TextNode, VariableNode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from weasyprint import HTML

from dichvucong.documents.circular01 import (
    FONT_FAMILY,
    FONTS_DIR,
    _render_state,
    place_date_line,
    qr_data_uri,
    vn_date,
)

LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_BODY_PATH = Path(__file__).resolve().parent / "templates" / "results" / "default_body.html"
DEFAULT_TITLE = "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
DEFAULT_SIGNER_TITLE = "CHỦ TỊCH"
_INVALID = "\x00invalid:%s\x00"

# The tags a body may use: logic and formatting only.
_ALLOWED_NODES: tuple[type[Node], ...] = (
    TextNode,
    VariableNode,
    defaulttags.IfNode,
    defaulttags.ForNode,
    defaulttags.WithNode,
    defaulttags.CommentNode,
    defaulttags.FirstOfNode,
    defaulttags.NowNode,
    defaulttags.SpacelessNode,
    defaulttags.AutoEscapeControlNode,
    defaulttags.CycleNode,
    defaulttags.IfChangedNode,
    defaulttags.VerbatimNode,
    defaulttags.TemplateTagNode,
    defaulttags.FilterNode,
    defaulttags.WidthRatioNode,
)
# Node types that only exist to hold other nodes.
_CONTAINERS: tuple[type[Any], ...] = (defaulttags.IfNode,)

# What a body may print, and what it means (shown in the admin).
VARIABLES: dict[str, str | Promise] = {
    "dossier_code": gettext_lazy("Mã hồ sơ"),
    "procedure_name": gettext_lazy("Tên thủ tục hành chính"),
    "result_name": gettext_lazy("Tên kết quả (theo danh mục thủ tục)"),
    "agency_name": gettext_lazy("Cơ quan phát hành"),
    "agency_parent_name": gettext_lazy("Cơ quan chủ quản của cơ quan phát hành"),
    "place": gettext_lazy("Địa danh (dòng ngày tháng)"),
    "applicant_name": gettext_lazy("Họ tên người nộp (hoặc tên tổ chức)"),
    "applicant_id_number": gettext_lazy("Số định danh cá nhân hoặc mã số thuế"),
    "applicant_address": gettext_lazy("Địa chỉ người nộp"),
    "applicant_date_of_birth": gettext_lazy("Ngày sinh (nếu tờ khai có)"),
    "received_at": gettext_lazy("Thời điểm tiếp nhận hồ sơ (dùng với bộ lọc date)"),
    "received_on": gettext_lazy("Ngày tiếp nhận, dạng “ngày 05 tháng 3 năm 2026”"),
    "approved_at": gettext_lazy("Thời điểm phê duyệt (dùng với bộ lọc date)"),
    "approved_on": gettext_lazy("Ngày phê duyệt, dạng “ngày 05 tháng 3 năm 2026”"),
    "register_number": gettext_lazy("Số thứ tự trong sổ theo dõi hồ sơ"),
    "register_year": gettext_lazy("Năm của sổ theo dõi hồ sơ"),
    "number": gettext_lazy("Số văn bản kết quả, ví dụ 12/2026/KQ"),
    "decision_number": gettext_lazy("Như number (số quyết định)"),
    "verify_url": gettext_lazy("Địa chỉ kiểm tra kết quả (mã QR)"),
    "form": gettext_lazy("Các câu trả lời của tờ khai, ví dụ {{ form.ho_ten }}"),
}


def _engine(*, strict: bool) -> Engine:
    """Return a template engine that loads no library and reads no file."""
    return Engine(
        dirs=[],
        app_dirs=False,
        libraries={},
        autoescape=True,
        string_if_invalid=_INVALID if strict else "",
        debug=False,
    )


_STRICT = _engine(strict=True)
_LENIENT = _engine(strict=False)


def body_compile(body: str, *, strict: bool = False) -> Template:
    """Compile a body; raise ValidationError (in Vietnamese) if it breaks the sandbox."""
    engine = _STRICT if strict else _LENIENT
    try:
        template = engine.from_string(body)
    except TemplateSyntaxError as exc:
        raise ValidationError(
            {"body": [_("Mẫu có lỗi cú pháp: %(error)s") % {"error": str(exc)}]}
        ) from None
    refused = sorted(
        {
            type(node).__name__
            for node in template.nodelist.get_nodes_by_type(Node)
            if not isinstance(node, _ALLOWED_NODES)
        }
    )
    if refused:
        raise ValidationError(
            {
                "body": [
                    _(
                        "Mẫu dùng thẻ không được phép (%(tags)s); chỉ dùng if, for, with, "
                        "firstof, now, comment, filter và các biến được liệt kê."
                    )
                    % {"tags": ", ".join(refused)}
                ]
            }
        )
    return template


def body_render(body: str, context: dict[str, Any], *, strict: bool = False) -> str:
    """Render a body with `context`; in strict mode refuse unknown variables."""
    template = body_compile(body, strict=strict)
    try:
        html = template.render(Context(context, autoescape=True))
    except Exception as exc:  # a filter given a value it cannot take
        raise ValidationError(
            {"body": [_("Không hiển thị được mẫu với dữ liệu mẫu: %(error)s") % {"error": exc}]}
        ) from None
    if strict and "\x00invalid:" in html:
        names = sorted({part.split("\x00", 1)[0] for part in html.split("\x00invalid:")[1:]})
        raise ValidationError(
            {
                "body": [
                    _("Mẫu dùng biến không có: %(names)s. Các biến dùng được: %(known)s.")
                    % {"names": ", ".join(names), "known": ", ".join(VARIABLES)}
                ]
            }
        )
    return html


def default_body() -> str:
    """Return the body used when a procedure has no template of its own."""
    return DEFAULT_BODY_PATH.read_text(encoding="utf-8")


@dataclass(frozen=True)
class ResultDocument:
    """Everything printed on a result document (plain values, no models)."""

    uuid: str
    number: str
    title: str
    body: str  # the template body, Django template syntax
    signer_title: str
    signer_name: str
    heading_parent: str
    heading_name: str
    place: str
    dossier_code: str
    procedure_name: str
    result_name: str
    applicant_name: str
    applicant_id_number: str
    applicant_address: str
    applicant_date_of_birth: str
    received_at: datetime | None
    approved_at: datetime
    register_number: int | None
    register_year: int | None
    form: dict[str, Any]

    @property
    def verify_url(self) -> str:
        return verify_url(self.uuid)

    def context(self) -> dict[str, Any]:
        """Return the sandbox's variables."""
        return {
            "dossier_code": self.dossier_code,
            "procedure_name": self.procedure_name,
            "result_name": self.result_name,
            "agency_name": self.heading_name,
            "agency_parent_name": self.heading_parent,
            "place": self.place,
            "applicant_name": self.applicant_name,
            "applicant_id_number": self.applicant_id_number,
            "applicant_address": self.applicant_address,
            "applicant_date_of_birth": self.applicant_date_of_birth,
            "received_at": self.received_at.astimezone(LOCAL_TZ) if self.received_at else None,
            "received_on": vn_date(self.received_at) if self.received_at else "",
            "approved_at": self.approved_at.astimezone(LOCAL_TZ),
            "approved_on": vn_date(self.approved_at),
            "register_number": self.register_number,
            "register_year": self.register_year,
            "number": self.number,
            "decision_number": self.number,
            "verify_url": self.verify_url,
            "form": {
                key: value
                for key, value in self.form.items()
                if isinstance(value, str | int | float | bool) or value is None
            },
        }


def verify_url(uuid: str) -> str:
    """Return the absolute address of the public verification page of a result."""
    path = reverse("verify:result", args=[uuid])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def document_html(document: ResultDocument, *, strict: bool = False) -> str:
    """Return the whole HTML page of a result document, in Vietnamese."""
    with translation.override("vi"):
        body = body_render(document.body, document.context(), strict=strict)
        return render_to_string(
            "results/result_document.html",
            {
                "doc": document,
                "body": mark_safe(body),  # noqa: S308 - rendered by the sandbox, autoescaped
                "font_family": FONT_FAMILY,
                "qr": qr_data_uri(document.verify_url),
                "date_line": place_date_line(document.place, document.approved_at),
            },
        )


def document_pdf(document: ResultDocument) -> bytes:
    """Return the result document as an A4 PDF (unsigned)."""
    state = _render_state()
    html = HTML(
        string=document_html(document),
        base_url=FONTS_DIR.as_uri() + "/",
        url_fetcher=state.fetcher,
    )
    pdf: bytes = html.write_pdf(stylesheets=[state.font_css], font_config=state.font_config)
    return pdf
