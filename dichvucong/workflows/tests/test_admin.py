"""Workflow administration and the load command."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from dichvucong.workflows.models import Workflow

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "default.yaml"


def test_change_page_shows_the_document_and_saves_it(admin_client: Client, db: Any) -> None:
    workflow = Workflow.objects.get(is_default=True)
    url = f"/quan-tri/workflows/workflow/{workflow.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "code: mot-cua-mac-dinh" in page.content.decode()
    text = DEFAULT.read_text(encoding="utf-8").replace(
        "name: Chờ tiếp nhận", "name: Chờ Bộ phận Một cửa tiếp nhận"
    )
    response = admin_client.post(url, {"document": text, "agency": "", "procedures": []})
    assert response.status_code == 302
    assert workflow.states.get(code="submitted").name == "Chờ Bộ phận Một cửa tiếp nhận"


def test_a_broken_document_is_refused_with_the_state_named(admin_client: Client, db: Any) -> None:
    workflow = Workflow.objects.get(is_default=True)
    text = DEFAULT.read_text(encoding="utf-8") + (
        "  - code: orphan\n    name: Bước thừa\n    status: processing\n"
    ).replace("  - code: orphan", "")
    # Insert an unreachable state among the states.
    text = DEFAULT.read_text(encoding="utf-8").replace(
        "actions:\n", "  - code: orphan\n    name: Bước thừa\n    status: processing\nactions:\n"
    )
    url = f"/quan-tri/workflows/workflow/{workflow.pk}/change/"
    response = admin_client.post(url, {"document": text, "agency": "", "procedures": []})
    assert response.status_code == 200
    assert "Bước orphan không thể đến được từ bước đầu tiên." in response.content.decode()
    assert not workflow.states.filter(code="orphan").exists()


def test_export_downloads_yaml(admin_client: Client, db: Any) -> None:
    workflow = Workflow.objects.get(is_default=True)
    response = admin_client.get(f"/quan-tri/workflows/workflow/{workflow.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mot-cua-mac-dinh.yaml"'
    assert b"code: accept" in response.content


def test_load_command(tmp_path: Path, procedures: Any, province: Any) -> None:
    document = tmp_path / "stp.yaml"
    document.write_text(
        DEFAULT.read_text(encoding="utf-8")
        .replace("code: mot-cua-mac-dinh", "code: stp-ly-lich-tu-phap")
        .replace("default: true\n", ""),
        encoding="utf-8",
    )
    out = StringIO()
    code = procedures[0].procedure.code
    call_command(
        "workflow_load", str(document), agency="000.00.01.H10", procedure=[code], stdout=out
    )
    assert out.getvalue().startswith("Workflow stp-ly-lich-tu-phap: 13 states, ")
    workflow = Workflow.objects.get(code="stp-ly-lich-tu-phap")
    assert workflow.agency is not None and workflow.agency.code == "000.00.01.H10"
    assert list(workflow.procedures.values_list("code", flat=True)) == [code]
    with pytest.raises(CommandError, match="No agency"):
        call_command("workflow_load", str(document), agency="999.99.99.H10")
