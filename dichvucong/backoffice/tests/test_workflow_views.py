"""The agency administrator's workflow pages: read, download, import the agency's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import second_factor_force_login
from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import make_officer
from dichvucong.dossiers.tests.test_actions import submit
from dichvucong.workflows.definition import parse_yaml
from dichvucong.workflows.models import Workflow
from dichvucong.workflows.selectors import workflow_for
from dichvucong.workflows.services import workflow_import

DEFAULT = (Path(__file__).resolve().parents[2] / "workflows" / "data" / "default.yaml").read_text(
    encoding="utf-8"
)
LIST = "/mot-cua/quy-trinh/"
IMPORT = "/mot-cua/quy-trinh/nhap/"
ARCHIVE_STATE = "  - code: archived\n    name: Lưu kho hồ sơ\n    status: done\n"
ARCHIVE_ACTION = (
    "  - code: archive\n    name: Lưu kho\n    from: [done]\n    to: archived\n"
    "    roles: [reception]\n"
)


def document(code: str, *, name: str = "Quy trình lý lịch tư pháp", archive: bool = False) -> str:
    """Return the default workflow's document as another workflow (not the default)."""
    text = (
        DEFAULT.replace("code: mot-cua-mac-dinh", f"code: {code}")
        .replace("name: Quy trình một cửa mặc định", f"name: {name}")
        .replace("default: true\n", "")
    )
    if archive:
        text = text.replace("actions:\n", ARCHIVE_STATE + "actions:\n") + ARCHIVE_ACTION
    return text


@pytest.fixture
def admin_officer(province: dict[str, Any]) -> Any:
    return make_officer("quantri.stp", province["000.00.01.H10"], "agency_admin")


@pytest.fixture
def admin(client: Client, admin_officer: Any) -> Client:
    return second_factor_force_login(client, admin_officer)


@pytest.fixture
def justice(online_procedure: Procedure) -> Procedure:
    """The justice-record procedure, received by Sở Tư pháp."""
    return online_procedure


@pytest.fixture
def others(province: dict[str, Any], justice: Procedure, procedures: Any) -> dict[str, Workflow]:
    """A province's workflow for the justice record, one for the permit, Sở Xây dựng's own."""
    provincial = workflow_import(spec=parse_yaml(document("tinh-ly-lich", name="Của tỉnh")))
    provincial.procedures.add(justice)
    permit = workflow_import(spec=parse_yaml(document("tinh-xay-dung", name="Xây dựng")))
    permit.procedures.add(procedures[1].procedure)
    elsewhere = workflow_import(
        spec=parse_yaml(document("sxd-rieng", name="Của Sở Xây dựng")),
        agency=province["000.00.03.H10"],
    )
    return {"provincial": provincial, "permit": permit, "elsewhere": elsewhere}


# Who may see the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reception", "specialist", "approver", "supervisor"])
def test_only_agency_administrators_see_the_workflows(
    client: Client, officers: dict[str, Any], justice: Procedure, who: str
) -> None:
    second_factor_force_login(client, officers[who])
    default = Workflow.objects.get(is_default=True)
    for url in (LIST, IMPORT, f"{LIST}{default.pk}/", f"{LIST}{default.pk}/yaml/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Trang này dành cho cán bộ có vai trò “Quản trị đơn vị”." in (
            response.content.decode()
        )
    response = client.post(IMPORT, {"document_text": document("stp-rieng")})
    assert response.status_code == 403
    assert not Workflow.objects.filter(code="stp-rieng").exists()


def test_anonymous_users_go_to_the_sign_in(client: Client, db: Any) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"] == f"/mot-cua/dang-nhap/?next={LIST}"


# The list and a workflow ------------------------------------------------------------------------


def test_the_list_shows_the_workflows_that_apply_at_the_agency(
    admin: Client,
    others: dict[str, Workflow],
    justice: Procedure,
    province: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    own = workflow_import(
        spec=parse_yaml(document("stp-rieng", name="Riêng của Sở")),
        agency=province["000.00.01.H10"],
    )
    with django_assert_max_num_queries(9):
        response = admin.get(LIST)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["workflow"].code, r["scope"]) for r in rows] == [
        ("mot-cua-mac-dinh", "Mặc định (mọi thủ tục chưa gắn quy trình riêng)"),
        ("tinh-ly-lich", "Của tỉnh"),
        ("stp-rieng", "Của cơ quan"),
    ]
    assert [p.code for p in rows[1]["procedures"]] == [justice.code]
    page = response.content.decode()
    assert f'href="{LIST}{own.pk}/"' in page
    assert "Của Sở Xây dựng" not in page  # another agency's
    assert "Xây dựng</a>" not in page  # the province's, for a procedure received elsewhere


def test_the_list_costs_the_same_queries_with_more_workflows(
    admin: Client, others: dict[str, Workflow], justice: Procedure, province: dict[str, Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin.get(LIST)
    for n in range(3):
        workflow = workflow_import(
            spec=parse_yaml(document(f"stp-{n}")), agency=province["000.00.01.H10"]
        )
        workflow.procedures.add(justice)
    with CaptureQueriesContext(connection) as many:
        response = admin.get(LIST)
    assert len(response.context["rows"]) == 5
    assert len(many) == len(few)


def test_a_workflow_reads_as_tables_of_states_and_actions(admin: Client, justice: Any) -> None:
    default = Workflow.objects.get(is_default=True)
    response = admin.get(f"{LIST}{default.pk}/")
    assert response.status_code == 200
    states = response.context["states"]
    first = states[0]
    assert (first["state"].name, first["state"].get_status_display(), first["roles"]) == (
        "Chờ tiếp nhận",
        "Mới đăng ký",
        ["Tiếp nhận và trả kết quả"],
    )
    accept = response.context["actions"][0]
    assert (accept["action"].name, accept["action"].to_state.name, accept["roles"]) == (
        "Tiếp nhận hồ sơ",
        "Chờ phân công xử lý",
        ["Tiếp nhận và trả kết quả"],
    )
    assert response.context["editable"] is False
    page = response.content.decode()
    assert '<th scope="col">Trạng thái quốc gia</th>' in page
    assert "Chờ tiếp nhận → Chờ phân công xử lý" in page
    assert "Bắt buộc ghi ý kiến" in page  # request_documents, refuse
    assert "0,5 ngày làm việc" in page
    assert "4 giờ làm việc" in page
    assert "Cập nhật quy trình này" not in page


def test_another_agencys_workflow_is_not_found(admin: Client, others: dict[str, Workflow]) -> None:
    for workflow in (others["elsewhere"], others["permit"]):
        assert admin.get(f"{LIST}{workflow.pk}/").status_code == 404
        assert admin.get(f"{LIST}{workflow.pk}/yaml/").status_code == 404
        assert admin.get(IMPORT, {"ma": workflow.pk}).status_code == 404


def test_the_default_workflow_cannot_be_opened_for_editing(admin: Client, db: Any) -> None:
    default = Workflow.objects.get(is_default=True)
    assert admin.get(IMPORT, {"ma": default.pk}).status_code == 404


def test_a_workflow_downloads_as_yaml_that_imports_back(admin: Client, db: Any) -> None:
    default = Workflow.objects.get(is_default=True)
    response = admin.get(f"{LIST}{default.pk}/yaml/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mot-cua-mac-dinh.yaml"'
    data = yaml.safe_load(response.content.decode())
    assert data == yaml.safe_load(DEFAULT) | {"description": default.description}
    assert parse_yaml(response.content.decode()).code == "mot-cua-mac-dinh"


# Import -------------------------------------------------------------------------------------------


def test_importing_the_agencys_own_workflow_binds_its_procedures(
    admin: Client, justice: Procedure, citizen: Any, province: dict[str, Any]
) -> None:
    response = admin.post(
        IMPORT, {"document_text": document("stp-ly-lich"), "procedures": [justice.pk]}
    )
    workflow = Workflow.objects.get(code="stp-ly-lich")
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}{workflow.pk}/"
    assert workflow.agency == province["000.00.01.H10"]
    assert workflow.is_default is False
    assert list(workflow.procedures.all()) == [justice]
    agency = province["000.00.01.H10"]
    assert workflow_for(procedure_id=justice.pk, agency_id=agency.pk) == workflow
    # The next dossier of the procedure there follows it.
    assert submit(citizen, justice).workflow_id == workflow.pk
    page = admin.get(response["Location"]).content.decode()
    assert "Đã lưu quy trình Quy trình lý lịch tư pháp và gắn với 1 thủ tục." in page
    assert "Cập nhật quy trình này" in page


def test_a_yaml_file_can_be_uploaded(admin: Client, justice: Procedure) -> None:
    upload = SimpleUploadedFile(
        "stp.yaml", document("stp-tep").encode(), content_type="application/yaml"
    )
    response = admin.post(IMPORT, {"document_file": upload})
    assert response.status_code == 302
    assert Workflow.objects.get(code="stp-tep").procedures.count() == 0


def test_a_broken_document_is_refused_with_every_problem_named(
    admin: Client, justice: Procedure
) -> None:
    text = document("stp-hong").replace(
        "actions:\n",
        "  - code: orphan\n    name: Bước thừa\n    status: processing\n"
        "  - code: lost\n    name: Bước lạc\n    status: processing\n    roles: [clerk]\n"
        "actions:\n",
    )
    response = admin.post(IMPORT, {"document_text": text, "procedures": [justice.pk]})
    assert response.status_code == 400
    assert response.context["form"].errors["document_text"] == [
        "Bước lost: vai trò 'clerk' không tồn tại.",
        "Bước orphan không thể đến được từ bước đầu tiên.",
        "Bước lost không thể đến được từ bước đầu tiên.",
        "Bước kết thúc orphan phải mang trạng thái đã trả kết quả, không được tiếp nhận, "
        "rút hồ sơ hoặc dừng xử lý.",
        "Bước kết thúc lost phải mang trạng thái đã trả kết quả, không được tiếp nhận, "
        "rút hồ sơ hoặc dừng xử lý.",
    ]
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Bước orphan không thể đến được từ bước đầu tiên." in page
    assert "code: orphan" in page  # the document is kept for correcting
    assert not Workflow.objects.filter(code="stp-hong").exists()


def test_unreadable_yaml_is_refused(admin: Client, db: Any) -> None:
    response = admin.post(IMPORT, {"document_text": "code: [x\nname: y"})
    assert response.status_code == 400
    (error,) = response.context["form"].errors["document_text"]
    assert error.startswith("Tệp YAML không đọc được: ")


def test_an_empty_import_asks_for_a_document(admin: Client, db: Any) -> None:
    response = admin.post(IMPORT, {"document_text": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "document_text": ["Chọn tệp YAML hoặc dán nội dung quy trình vào ô bên dưới."]
    }


@pytest.mark.parametrize("code", ["mot-cua-mac-dinh", "tinh-ly-lich", "sxd-rieng"])
def test_the_province_s_and_other_agencies_workflows_cannot_be_overwritten(
    admin: Client, others: dict[str, Workflow], justice: Procedure, code: str
) -> None:
    before = Workflow.objects.get(code=code)
    states = list(before.states.values_list("code", "name"))
    response = admin.post(
        IMPORT, {"document_text": document(code, name="Chiếm quyền"), "procedures": [justice.pk]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["document_text"] == [
        f"Mã quy trình {code} đã được dùng cho cơ quan khác."
    ]
    after = Workflow.objects.get(code=code)
    assert (after.name, after.agency_id, after.is_default) == (
        before.name,
        before.agency_id,
        before.is_default,
    )
    assert list(after.states.values_list("code", "name")) == states
    assert list(after.procedures.all()) == list(before.procedures.all())


def test_an_agency_cannot_make_a_default_workflow(admin: Client, justice: Procedure) -> None:
    text = document("stp-mac-dinh").replace("states:\n", "default: true\nstates:\n", 1)
    response = admin.post(IMPORT, {"document_text": text})
    assert response.status_code == 400
    assert response.context["form"].errors["document_text"] == [
        "Quy trình mặc định phải áp dụng trong toàn tỉnh."
    ]
    assert not Workflow.objects.filter(code="stp-mac-dinh").exists()
    assert Workflow.objects.get(is_default=True).code == "mot-cua-mac-dinh"


def test_a_dropped_state_holding_dossiers_is_refused(
    admin: Client, justice: Procedure, citizen: Any
) -> None:
    admin.post(
        IMPORT,
        {"document_text": document("stp-luu-kho", archive=True), "procedures": [justice.pk]},
    )
    workflow = Workflow.objects.get(code="stp-luu-kho")
    dossier = submit(citizen, justice)
    assert dossier.workflow_id == workflow.pk
    Dossier.objects.filter(pk=dossier.pk).update(state=workflow.states.get(code="archived"))

    edit = admin.get(IMPORT, {"ma": workflow.pk})
    assert edit.status_code == 200
    assert "code: archived" in edit.context["form"].initial["document_text"]
    assert edit.context["form"].initial["procedures"] == [justice.pk]
    response = admin.post(
        f"{IMPORT}?ma={workflow.pk}",
        {"document_text": document("stp-luu-kho"), "procedures": [justice.pk]},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["document_text"] == [
        "Không thể bỏ bước archived: đang có hồ sơ ở bước này."
    ]
    assert workflow.states.filter(code="archived").exists()
    assert workflow.actions.filter(code="archive").exists()


def test_only_procedures_the_agency_receives_can_be_bound(
    admin: Client, justice: Procedure, procedures: Any
) -> None:
    permit = procedures[1].procedure
    response = admin.post(
        IMPORT, {"document_text": document("stp-ngoai"), "procedures": [permit.pk]}
    )
    assert response.status_code == 400
    assert "procedures" in response.context["form"].errors
    assert not Workflow.objects.filter(code="stp-ngoai").exists()
    assert [c[0].value for c in response.context["form"].fields["procedures"].choices] == [
        justice.pk
    ]


def test_binding_moves_a_procedure_from_the_agencys_other_workflow(
    admin: Client, justice: Procedure, province: dict[str, Any]
) -> None:
    admin.post(IMPORT, {"document_text": document("stp-cu"), "procedures": [justice.pk]})
    admin.post(IMPORT, {"document_text": document("stp-moi"), "procedures": [justice.pk]})
    assert list(Workflow.objects.get(code="stp-cu").procedures.all()) == []
    assert list(Workflow.objects.get(code="stp-moi").procedures.all()) == [justice]
    agency = province["000.00.01.H10"]
    assert workflow_for(procedure_id=justice.pk, agency_id=agency.pk).code == "stp-moi"


def test_dossiers_in_progress_keep_their_workflow(
    admin: Client, justice: Procedure, citizen: Any
) -> None:
    before = submit(citizen, justice, key="truoc")
    default = Workflow.objects.get(is_default=True)
    assert before.workflow_id == default.pk
    admin.post(IMPORT, {"document_text": document("stp-sau"), "procedures": [justice.pk]})
    before.refresh_from_db()
    assert before.workflow_id == default.pk
    assert submit(citizen, justice, key="sau").workflow.code == "stp-sau"  # type: ignore[union-attr]


def test_the_menu_links_the_workflows_for_agency_administrators(
    admin: Client, officers: dict[str, Any]
) -> None:
    page = admin.get(LIST).content.decode()
    assert '<a href="/mot-cua/quy-trinh/" aria-current="page">Quy trình</a>' in page
    assert "Tiếp nhận tại quầy" not in page
    reception = second_factor_force_login(Client(), officers["reception"])
    assert 'href="/mot-cua/quy-trinh/"' not in reception.get("/mot-cua/").content.decode()
