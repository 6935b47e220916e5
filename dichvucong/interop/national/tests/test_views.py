"""The synchronisation page, its retry button, and the badge on the dossier page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import make_officer, second_factor_force_login
from dichvucong.catalogue.models import Procedure
from dichvucong.interop.national.models import DossierSync, StandinSwitch, SyncEntry

from .conftest import DjangoClientAdapter, submit

pytestmark = pytest.mark.django_db
PAGE = "/national-sync/"
RETRY = "/national-sync/gui-lai/"


@pytest.fixture
def waiting(
    standin: DjangoClientAdapter,
    citizen: Any,
    other_citizen: Any,
    online_procedure: Procedure,
    django_capture_on_commit_callbacks: Any,
) -> list[Any]:
    """Two dossiers the national portal has not received (it was down)."""
    StandinSwitch.objects.create(failing=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(citizen, online_procedure, key="k-1")
        second = submit(other_citizen, online_procedure, key="k-2")
    StandinSwitch.objects.update(failing=False)
    return [first, second]


def test_a_supervisor_reads_every_dossier_but_retries_nothing(
    client: Client, officers: dict[str, Any], waiting: list[Any]
) -> None:
    second_factor_force_login(client, officers["supervisor"])
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert waiting[0].code in html and waiting[1].code in html
    assert "Gửi lại ngay" not in html
    assert 'href="/national-sync/" aria-current="page">Đồng bộ quốc gia</a>' in html
    assert "Hệ thống đang bảo trì" in html
    answer = client.post(RETRY, {"code": waiting[0].code})
    assert answer.status_code == 403
    assert SyncEntry.objects.filter(state="sent").count() == 0


def test_an_officer_without_the_role_is_refused(
    client: Client, officers: dict[str, Any], waiting: list[Any]
) -> None:
    second_factor_force_login(client, officers["reception"])
    assert client.get(PAGE).status_code == 403
    assert client.post(RETRY, {}).status_code == 403
    assert SyncEntry.objects.filter(state="sent").count() == 0
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_an_agency_administrator_retries_their_agency_only(
    client: Client, province: dict[str, Any], waiting: list[Any]
) -> None:
    outsider = make_officer(
        "quantri.sxd", agency=province["000.00.03.H10"], roles=("agency_admin",)
    )
    second_factor_force_login(client, outsider)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert waiting[0].code not in page.content.decode()
    assert client.post(RETRY, {"code": waiting[0].code}).status_code == 403
    assert SyncEntry.objects.filter(state="sent").count() == 0

    admin = make_officer("quantri.stp", agency=province["000.00.01.H10"], roles=("agency_admin",))
    second_factor_force_login(client, admin)
    answer = client.post(RETRY, {"code": waiting[0].code})
    assert answer.status_code == 302
    assert DossierSync.objects.get(dossier=waiting[0]).synchronised is True
    assert DossierSync.objects.get(dossier=waiting[1]).synchronised is False
    answer = client.post(RETRY, {}, follow=True)
    assert "Đã gửi 1 mục của 1 hồ sơ lên Cổng quốc gia." in answer.content.decode()
    assert DossierSync.objects.filter(synchronised=False).count() == 0


def test_the_page_costs_the_same_for_many_dossiers(
    client: Client,
    officers: dict[str, Any],
    waiting: list[Any],
    citizen: Any,
    online_procedure: Procedure,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    second_factor_force_login(client, officers["supervisor"])
    with django_assert_max_num_queries(12):
        client.get(PAGE)
    StandinSwitch.objects.update(failing=True)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3, 8):
            submit(citizen, online_procedure, key=f"k-{n}")
    with django_assert_max_num_queries(12):
        page = client.get(PAGE)
    assert page.context["overview"].not_synchronised == 7
    assert len(page.context["overview"].waiting) == 7


def test_the_dossier_page_shows_the_flag(
    client: Client,
    officers: dict[str, Any],
    waiting: list[Any],
) -> None:
    second_factor_force_login(client, officers["reception"])
    html = client.get(f"/mot-cua/ho-so/{waiting[0].code}/").content.decode()
    assert 'data-synchronised="false"' in html
    assert 'href="/national-sync/"' not in html  # no link for a reception officer
    assert "Chưa đồng bộ" in html
    SyncEntry.objects.filter(dossier=waiting[0]).update(next_attempt_at="2000-01-01T00:00:00Z")
    from dichvucong.interop.national.services import dossier_sync_deliver

    assert dossier_sync_deliver(dossier_id=waiting[0].pk).sent == 1
    html = client.get(f"/mot-cua/ho-so/{waiting[0].code}/").content.decode()
    assert 'data-synchronised="true"' in html
    assert "Đã đồng bộ" in html
    assert DossierSync.objects.get(dossier=waiting[0]).national_code in html
