"""Render a sample of each Circular 01/2018 form to var/forms-preview/ as PDF and PNG.

Usage: .venv/bin/python scripts/render_forms.py [OUTPUT_DIR]

Each form N is written as mau-0N.pdf, with one PNG per page at 150 dpi beside it
(mau-0N.png for the first page, mau-0N-p2.png for the next ones), and Form 06 also as
mau-06.xlsx. Prints how long each rendering took.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

for _name in ("weasyprint", "weasyprint.progress"):
    logging.getLogger(_name).setLevel(logging.WARNING)

import django  # noqa: E402

django.setup()

import pypdfium2  # noqa: E402

from dichvucong.documents.circular01 import form_number, form_pdf, register_xlsx  # noqa: E402
from dichvucong.documents.samples import sample_forms, sample_register  # noqa: E402


def write_pngs(pdf_path: Path, dpi: int = 150) -> list[Path]:
    """Write each page of the PDF as a PNG beside it; return their paths."""
    document = pypdfium2.PdfDocument(pdf_path)
    paths = []
    try:
        for index in range(len(document)):
            suffix = "" if index == 0 else f"-p{index + 1}"
            path = pdf_path.with_name(f"{pdf_path.stem}{suffix}.png")
            document[index].render(scale=dpi / 72).to_pil().save(path)
            paths.append(path)
    finally:
        document.close()
    return paths


def main() -> int:
    """Render every sample form; return the exit status."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "var" / "forms-preview"
    out.mkdir(parents=True, exist_ok=True)
    forms = sample_forms()
    forms[-1] = sample_register(60)
    for data in forms:
        started = time.perf_counter()
        pdf = form_pdf(data)
        elapsed = time.perf_counter() - started
        path = out / f"mau-{form_number(data):02d}.pdf"
        path.write_bytes(pdf)
        pages = write_pngs(path)
        print(f"{path.name}: {len(pdf)} bytes, {len(pages)} page(s), {elapsed * 1000:.0f} ms")
    xlsx = out / "mau-06.xlsx"
    xlsx.write_bytes(register_xlsx(forms[-1]))  # type: ignore[arg-type]
    print(f"{xlsx.name}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
