"""manage.py national_sync_retry and the configuration check."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers.models import Dossier
from dichvucong.interop.national.checks import national_sync_settings_check
from dichvucong.interop.national.models import DossierSync, StandinDossier

from .conftest import DjangoClientAdapter, submit

pytestmark = pytest.mark.django_db


def test_the_check_names_what_is_missing(standin: DjangoClientAdapter, settings: Any) -> None:
    assert national_sync_settings_check() == []
    settings.NATIONAL_SYNC_CLIENT_SECRET = ""
    errors = national_sync_settings_check()
    assert [(e.id, e.msg) for e in errors] == [
        ("national_sync.E001", "Chưa cấu hình NATIONAL_SYNC_CLIENT_SECRET.")
    ]
    with pytest.raises(CommandError, match=r"Chưa cấu hình NATIONAL_SYNC_CLIENT_SECRET\."):
        call_command("national_sync_retry")
    settings.NATIONAL_SYNC_ENABLED = False
    assert national_sync_settings_check() == []
    with pytest.raises(CommandError, match="NATIONAL_SYNC_ENABLED is off"):
        call_command("national_sync_retry")


def test_backfill_since_a_day_then_send(
    standin: DjangoClientAdapter,
    settings: Any,
    citizen: Any,
    other_citizen: Any,
    online_procedure: Procedure,
) -> None:
    settings.NATIONAL_SYNC_ENABLED = False
    old = submit(citizen, online_procedure, key="k-1")
    recent = submit(other_citizen, online_procedure, key="k-2")
    Dossier.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=40))
    settings.NATIONAL_SYNC_ENABLED = True
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    out = io.StringIO()
    call_command("national_sync_retry", "--backfill", "--since", since, stdout=out)
    assert out.getvalue().splitlines() == [
        "Backfill: 1 dossiers started.",
        "https://dvcqg.example.gov.vn/national-sync/standin/: 1 dossiers, 1 entries sent, "
        "0 failed.",
    ]
    assert list(DossierSync.objects.values_list("dossier_id", "synchronised")) == [
        (recent.pk, True)
    ]
    assert StandinDossier.objects.get().local_code == recent.code


def test_a_run_that_cannot_send_exits_with_an_error(
    standin: DjangoClientAdapter,
    citizen: Any,
    online_procedure: Procedure,
) -> None:
    submit(citizen, online_procedure)  # its delivery, queued on commit, never ran
    standin.down = True
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 dossiers could not be synchronised\."):
        call_command("national_sync_retry", "--all", stdout=io.StringIO(), stderr=err)
    assert "Không kết nối được Cổng quốc gia" in err.getvalue()
    standin.down = False
    out = io.StringIO()
    call_command("national_sync_retry", "--all", stdout=out)
    assert "1 dossiers, 1 entries sent, 0 failed." in out.getvalue()
