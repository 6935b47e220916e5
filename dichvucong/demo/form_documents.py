"""Generate fillable form templates (DOCX) for the demo catalogue.

A real province uploads the official templates; the demo generates one per form so that
every download works and the computed level 2 is real.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from dichvucong.catalogue.models import FormTemplate

_DOTS = "." * 40
_APPLICANT_LINES = [
    f"Họ và tên người đề nghị (hoặc tên tổ chức): {_DOTS}",
    f"Ngày, tháng, năm sinh: {_DOTS[:20]}  Giới tính: {_DOTS[:10]}  Quốc tịch: {_DOTS[:15]}",
    f"Số CMND/Căn cước công dân/Hộ chiếu: {_DOTS[:25]}  Ngày cấp: {_DOTS[:12]}",
    f"Nơi cư trú (hoặc trụ sở): {_DOTS}{_DOTS[:15]}",
    f"Số điện thoại: {_DOTS[:25]}  Thư điện tử: {_DOTS[:25]}",
]


def render_form_docx(form: FormTemplate) -> bytes:
    """Return a DOCX for `form` with the national heading, its title and applicant fields."""
    version = form.version
    agency = version.agencies.order_by("code").first()
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    def centered(text: str, *, bold: bool = False, italic: bool = False, size: int = 13) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)

    centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    centered("Độc lập - Tự do - Hạnh phúc", bold=True)
    centered("―――――――――――")
    centered(form.name.upper(), bold=True, size=14)
    centered(f"(Thủ tục: {version.name})", italic=True, size=12)
    document.add_paragraph(f"Kính gửi: {agency.name if agency else '....................'}")
    for line in _APPLICANT_LINES:
        document.add_paragraph(line)
    document.add_paragraph("Nội dung đề nghị:")
    for _ in range(5):
        document.add_paragraph("." * 110)
    document.add_paragraph(
        "Tôi xin cam đoan những thông tin trên là đúng sự thật và chịu trách nhiệm trước "
        "pháp luật về nội dung cam đoan."
    )
    signature = document.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.add_run("......., ngày ...... tháng ...... năm ......\n").italic = True
    signature.add_run("NGƯỜI ĐỀ NGHỊ\n").bold = True
    signature.add_run("(Ký, ghi rõ họ tên)").italic = True
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{version.procedure.code} · Mẫu minh họa do Cổng Dịch vụ công tạo"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
