"""The demo index set, and index sets in the admin (weights as data, activation)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.demo.service_quality import DEMO_INDEX_SET, demo_service_quality_load
from dichvucong.reporting.quality.models import IndexSet, IndicatorGroup
from dichvucong.reporting.quality.selectors import index_set_active

pytestmark = pytest.mark.django_db


def test_demo_set_is_100_points_in_six_groups_and_loads_once() -> None:
    assert demo_service_quality_load() == 1
    assert demo_service_quality_load() == 0
    index_set = index_set_active()
    assert index_set is not None and index_set.code == DEMO_INDEX_SET
    indicators = list(index_set.indicators.all())
    assert sum(i.max_points for i in indicators) == Decimal(100)
    by_group: dict[str, Decimal] = {}
    for indicator in indicators:
        by_group[indicator.group] = by_group.get(indicator.group, Decimal(0)) + indicator.max_points
    assert by_group == {
        IndicatorGroup.TRANSPARENCY: 18,
        IndicatorGroup.PROGRESS: 20,
        IndicatorGroup.ONLINE_SERVICE: 12,
        IndicatorGroup.ONLINE_PAYMENT: 10,
        IndicatorGroup.DIGITISATION: 22,
        IndicatorGroup.SATISFACTION: 18,
    }
    assert all(i.measures for i in indicators)


def test_admin_edits_points_and_activates_another_set(admin_client: Client) -> None:
    demo_service_quality_load()
    demo = IndexSet.objects.get(code=DEMO_INDEX_SET)
    other = IndexSet.objects.create(code="khac", name="Bộ khác")
    changelist = reverse("admin:service_quality_indexset_changelist")
    response = admin_client.get(reverse("admin:service_quality_indexset_change", args=[demo.pk]))
    assert response.status_code == 200
    assert "Hồ sơ được giải quyết đúng hạn" in response.content.decode()
    response = admin_client.post(
        changelist, {"action": "activate", "_selected_action": [other.pk, demo.pk]}
    )
    assert IndexSet.objects.get(is_active=True) == demo  # refused: two chosen
    response = admin_client.post(changelist, {"action": "activate", "_selected_action": [other.pk]})
    assert response.status_code == 302
    assert list(IndexSet.objects.filter(is_active=True)) == [other]


def test_the_method_page_lists_the_active_set(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    demo_service_quality_load()
    with django_assert_max_num_queries(3):
        html = client.get(reverse("service_quality:method")).content.decode()
    assert html.count("<tr><td data-label=") == 13
    assert "HL1. Người dân, doanh nghiệp hài lòng" in html
    IndexSet.objects.update(is_active=False)
    html = client.get(reverse("service_quality:method")).content.decode()
    assert "Chưa có bộ chỉ số nào được áp dụng." in html
