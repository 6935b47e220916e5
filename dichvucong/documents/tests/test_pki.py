"""The development PKI: root, agency certificates, encrypted keys, the commands."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import CommandError, call_command

from dichvucong.documents import pki
from dichvucong.organizations.models import Agency

DONG_XOAI = "000.00.20.H10"


@pytest.fixture
def empty_pki(settings: Any, tmp_path: Path) -> Path:
    settings.SIGNING_DIR = tmp_path / "pki"
    return settings.SIGNING_DIR


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_pki_init_creates_the_root_once(empty_pki: Path, db: Any) -> None:
    output = run("pki_init")

    root = pki.load_certificate(empty_pki / "root.pem")
    assert output.startswith("Root CA created: ")
    cn = root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == "UBND tỉnh Bình Phước - CA thử nghiệm"
    assert root.issuer == root.subject
    constraints = root.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca is True
    assert isinstance(root.public_key(), ec.EllipticCurvePublicKey)
    before = (empty_pki / "root.pem").read_bytes(), (empty_pki / "root.key").read_bytes()

    again = run("pki_init")

    assert again.startswith("Root CA exists, unchanged (--force replaces it)")
    assert ((empty_pki / "root.pem").read_bytes(), (empty_pki / "root.key").read_bytes()) == before

    run("pki_init", "--force")

    assert (empty_pki / "root.pem").read_bytes() != before[0]


def test_pki_issue_makes_an_agency_certificate(
    empty_pki: Path, province: dict[str, Agency]
) -> None:
    run("pki_init")

    output = run("pki_issue", DONG_XOAI)

    cert = pki.load_certificate(empty_pki / "agencies" / f"{DONG_XOAI}.pem")
    assert output.startswith("Certificate issued: ")
    names = {a.oid: a.value for a in cert.subject}
    assert names[NameOID.ORGANIZATION_NAME] == "Ủy ban nhân dân thị xã Đồng Xoài"
    assert names[NameOID.COMMON_NAME] == "Ủy ban nhân dân thị xã Đồng Xoài"
    assert names[NameOID.ORGANIZATIONAL_UNIT_NAME] == DONG_XOAI
    assert cert.issuer == pki.load_certificate(empty_pki / "root.pem").subject
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert (usage.digital_signature, usage.content_commitment, usage.key_cert_sign) == (
        True,
        True,
        False,
    )
    extended = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(extended) == [pki.DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]
    key_before = (empty_pki / "agencies" / f"{DONG_XOAI}.key").read_bytes()

    assert run("pki_issue", DONG_XOAI).startswith(f"{DONG_XOAI} has a certificate, unchanged")
    assert (empty_pki / "agencies" / f"{DONG_XOAI}.key").read_bytes() == key_before

    run("pki_issue", DONG_XOAI, "--force")
    assert (empty_pki / "agencies" / f"{DONG_XOAI}.key").read_bytes() != key_before


def test_pki_issue_refuses_unknown_agencies_and_a_missing_root(
    empty_pki: Path, province: dict[str, Agency]
) -> None:
    with pytest.raises(CommandError, match="no root CA yet"):
        run("pki_issue", DONG_XOAI)
    with pytest.raises(CommandError, match=r"no agency with code '999\.99\.99\.H10'"):
        run("pki_issue", "999.99.99.H10")

    assert not (empty_pki / "agencies").exists()


def test_keys_are_encrypted_with_the_passphrase(
    empty_pki: Path, settings: Any, province: dict[str, Agency]
) -> None:
    pki.pki_root_init()
    issued = pki.pki_agency_issue(agency=province[DONG_XOAI])

    pem = issued.key_path.read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert issued.key_path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(TypeError):  # no password for an encrypted key
        serialization.load_pem_private_key(pem, password=None)
    with pytest.raises(ValueError):
        pki.load_private_key(issued.key_path, passphrase=b"wrong passphrase")
    key = pki.load_private_key(issued.key_path)
    assert key.public_key() == issued.certificate.public_key()


def test_ensure_demo_issues_only_what_is_missing(
    empty_pki: Path, province: dict[str, Agency]
) -> None:
    created = pki.pki_ensure_demo()

    assert len(created) == 1 + len(province)
    assert sorted(p.name for p in (empty_pki / "agencies").glob("*.pem")) == sorted(
        f"{code}.pem" for code in province
    )
    assert pki.pki_ensure_demo() == []


def test_long_agency_names_fit_the_certificate(empty_pki: Path, db: Any) -> None:
    pki.pki_root_init()
    agency = Agency(
        code="000.00.13.H10",
        name="Văn phòng Đăng ký đất đai thuộc Sở Tài nguyên và Môi trường tỉnh Bình Phước",
    )

    cert = pki.pki_agency_issue(agency=agency).certificate

    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == "Văn phòng Đăng ký đất đai thuộc Sở Tài nguyên và"
    assert len(str(cn).encode()) <= 64
