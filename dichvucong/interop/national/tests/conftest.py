"""The synchronisation against the stand-in, over the HTTP client the adapter uses.

`standin` switches the synchronisation on and routes every request the adapter's
`requests` session makes to the stand-in's views through Django's test client: the
same requests, headers and bodies as over the network, without a server. It can also
play a network outage (connection refused).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from dichvucong.catalogue.models import Procedure
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.fixtures import EXAMPLE, ID_COPY_FIELD, pdf_upload
from dichvucong.interop.national import client as national_client

BASE_URL = "https://dvcqg.example.gov.vn/national-sync/standin/"


class DjangoClientAdapter(BaseAdapter):
    """A `requests` transport that hands each request to Django's test client."""

    def __init__(self) -> None:
        super().__init__()
        self.client = Client()
        self.down = False
        self.calls: list[tuple[str, str]] = []

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, timeout: Any = None, **kwargs: Any
    ) -> requests.Response:
        assert timeout is not None, "every outbound call carries a timeout"
        url = str(request.url)
        self.calls.append((str(request.method), urlsplit(url).path))
        if self.down:
            raise requests.ConnectionError(f"Connection refused: {url}")
        headers: dict[str, Any] = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in request.headers.items()
            if name.lower() not in {"content-type", "content-length"}
        }
        answer = self.client.generic(
            str(request.method),
            urlsplit(url).path,
            data=request.body or b"",
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
            **headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        response.url = url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        return None


@pytest.fixture
def standin(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[DjangoClientAdapter]:
    """Switch the synchronisation on against the stand-in; return the transport."""
    settings.NATIONAL_SYNC_ENABLED = True
    settings.NATIONAL_SYNC_STANDIN_ENABLED = True
    settings.NATIONAL_SYNC_STANDIN_FAIL = False
    settings.NATIONAL_SYNC_URL = BASE_URL
    settings.NATIONAL_SYNC_CLIENT_ID = "tinh-binh-phuoc"
    settings.NATIONAL_SYNC_CLIENT_SECRET = "bi-mat-dong-bo"
    settings.NATIONAL_SYNC_STANDIN_CLIENT_ID = "tinh-binh-phuoc"
    settings.NATIONAL_SYNC_STANDIN_CLIENT_SECRET = "bi-mat-dong-bo"
    settings.NATIONAL_SYNC_RETRY_SECONDS = 60
    adapter = DjangoClientAdapter()

    def session_new() -> requests.Session:
        session = requests.Session()
        session.mount("https://dvcqg.example.gov.vn/", adapter)
        return session

    monkeypatch.setattr(national_client, "session_new", session_new)
    yield adapter


def submit(applicant: Any, procedure: Procedure, key: str = "k-1") -> Dossier:
    return dossier_services.dossier_submit(
        applicant=applicant,
        procedure=procedure,
        form_data=dict(EXAMPLE),
        files={ID_COPY_FIELD: [pdf_upload()]},
        idempotency_key=key,
    ).dossier


@pytest.fixture(autouse=True)
def _fresh_storage(fresh_storage: None) -> None:
    """Every test starts with an empty storage."""
