"""Fill the configured database with the demo organizations and N procedures.

Run with DJANGO_SETTINGS_MODULE and DATABASE_URL set: `python bench/seed_catalogue.py 2000`.
The procedures are the demo's real records, repeated with new codes and name variants,
imported through the same service as `manage.py import_procedures`.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VARIANTS = [
    "",
    " (cấp lại)",
    " (điều chỉnh, bổ sung)",
    " (gia hạn)",
    " đối với tổ chức",
    " đối với hộ gia đình, cá nhân",
    " trong khu công nghiệp",
    " (trường hợp bị mất, hư hỏng)",
    " có yếu tố nước ngoài",
    " tại cấp huyện",
    " theo hình thức trực tuyến",
    " (thủ tục liên thông)",
    " cho doanh nghiệp nhỏ và vừa",
    " (lần đầu)",
    " đối với công trình tạm",
    " trong lĩnh vực nông nghiệp",
    " tại khu kinh tế cửa khẩu",
    " (thay đổi nội dung)",
    " đối với người nước ngoài",
]


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    django.setup()
    from dichvucong.catalogue.services import procedures_import
    from dichvucong.demo.services import DATA_DIR, PROCEDURE_FILES, organizations_load

    total = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    organizations_load(json.loads((DATA_DIR / "organizations.json").read_text(encoding="utf-8")))
    base = [
        record
        for name in PROCEDURE_FILES
        for record in json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    ]
    records = []
    for index in range(total):
        record = copy.deepcopy(base[index % len(base)])
        variant = VARIANTS[(index // len(base)) % len(VARIANTS)]
        record["MATTHC"] = f"2.{index:06d}.000.00.00.H10"
        record["TENTTHC"] = record["TENTTHC"] + variant
        records.append(record)
    created = 0
    for start in range(0, total, 250):
        created += procedures_import(data=records[start : start + 250]).created
    print(f"{created} procedures created", file=sys.stderr)


if __name__ == "__main__":
    main()
