"""Signing fixtures: one development PKI per test session, in a temporary directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dichvucong.documents import pki, samples, signing
from dichvucong.documents.circular01 import form_pdf
from dichvucong.organizations.models import Agency


@pytest.fixture(scope="session")
def pki_session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Create the root CA once per session (agencies' certificates come per test)."""
    from django.test import override_settings

    path = tmp_path_factory.mktemp("pki")
    with override_settings(SIGNING_DIR=path):
        pki.pki_root_init()
    return path


@pytest.fixture
def signing_pki(settings: Any, pki_session_dir: Path, province: dict[str, Agency]) -> Path:
    """Point SIGNING_DIR at the session's PKI and issue every test agency a certificate
    (kept across tests: agencies have the same codes in every test)."""
    settings.SIGNING_DIR = pki_session_dir
    pki.pki_ensure_demo()
    return pki_session_dir


@pytest.fixture(scope="session")
def receipt_pdf() -> bytes:
    """A one-page Form 01, unsigned."""
    return form_pdf(samples.sample_receipt())


@pytest.fixture
def signed_pdf(signing_pki: Path, province: dict[str, Agency], receipt_pdf: bytes) -> bytes:
    """Form 01 signed by UBND thị xã Đồng Xoài."""
    return signing.pdf_sign(pdf=receipt_pdf, agency=province["000.00.20.H10"], reason="Biên nhận")
