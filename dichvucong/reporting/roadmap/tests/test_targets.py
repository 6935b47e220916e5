"""Editing a plan's targets: supervisors and staff only, cumulative, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import make_officer, second_factor_force_login
from dichvucong.reporting.roadmap.models import Plan, PlanTarget
from dichvucong.reporting.roadmap.services import TargetSpec, plan_targets_set

EDIT = "/mot-cua/lo-trinh/bp-409-2015/chi-tieu/"


def targets(plan: Plan) -> dict[str, int]:
    return {f"{t.year}-{t.tier}-{t.level}": t.target for t in PlanTarget.objects.filter(plan=plan)}


def test_a_supervisor_changes_and_clears_targets(
    client: Any, plan: Plan, province: dict[str, Any]
) -> None:
    user = make_officer("giamsat.stttt", agency=province["000.00.00.H10"], roles=("supervisor",))
    second_factor_force_login(client, user)
    page = client.get(EDIT)
    assert page.status_code == 200
    assert 'name="2016-district-3" value="126"' in page.content.decode()
    data: dict[str, Any] = dict(targets(plan))
    data["2016-district-3"] = 130
    data["2015-department-4"] = ""  # no target any more
    response = client.post(EDIT, data)
    assert response.status_code == 302
    after = targets(plan)
    assert after["2016-district-3"] == 130
    assert "2015-department-4" not in after
    assert len(after) == 23
    assert "Đã lưu chỉ tiêu: 2 dòng thay đổi." in client.get(response["Location"]).content.decode()


def test_a_decreasing_target_is_refused_and_nothing_is_saved(
    client: Any, plan: Plan, admin_user: Any
) -> None:
    second_factor_force_login(client, admin_user)  # staff may edit too
    before = targets(plan)
    data: dict[str, Any] = dict(before)
    data["2016-district-3"] = 120  # below nothing: fine alone
    data["2017-district-3"] = 100  # below 2016's 120: refused
    response = client.post(EDIT, data)
    assert response.status_code == 400
    assert (
        "Chỉ tiêu là số lũy kế: năm 2017 (100) không được thấp hơn năm 2016 (120)."
        in response.content.decode()
    )
    assert targets(plan) == before


def test_an_officer_may_not_edit(client: Any, plan: Plan, officer: Any) -> None:
    second_factor_force_login(client, officer)
    before = targets(plan)
    assert client.get(EDIT).status_code == 403
    response = client.post(EDIT, {**before, "2016-district-3": 1})
    assert response.status_code == 403
    assert targets(plan) == before


def test_the_service_checks_years_and_signs(plan: Plan) -> None:
    with pytest.raises(ValidationError) as raised:
        plan_targets_set(
            plan=plan,
            targets=[
                TargetSpec(year=2014, tier="district", level=3, target=1),
                TargetSpec(year=2015, tier="commune", level=3, target=1),
                TargetSpec(year=2016, tier="district", level=4, target=-1),
            ],
        )
    assert raised.value.message_dict == {
        "2014-district-3": ["Năm 2014 nằm ngoài thời kỳ của lộ trình."],
        "2015-commune-3": ["Cấp hoặc mức độ không hợp lệ."],
        "2016-district-4": ["Chỉ tiêu không được âm."],
    }
    assert len(targets(plan)) == 24


def test_the_admin_lists_plans_annex_and_history(admin_client: Any, plan: Plan) -> None:
    for url in (
        "/quan-tri/roadmap/plan/",
        f"/quan-tri/roadmap/plan/{plan.pk}/change/",
        "/quan-tri/roadmap/annexentry/",
        "/quan-tri/roadmap/levelrecord/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/quan-tri/roadmap/levelrecord/add/").status_code == 403
