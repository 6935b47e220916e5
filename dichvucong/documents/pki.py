"""A small PKI for development and demo: the province's root CA and one signing
certificate per agency.

Everything lives under `settings.SIGNING_DIR`:

    root.pem            the root CA's certificate (published at /verify/roots/)
    root.key            its private key, PKCS#8 encrypted with SIGNING_KEY_PASSPHRASE
    agencies/<code>.pem an agency's signing certificate
    agencies/<code>.key its private key, PKCS#8 encrypted

Keys are EC P-256: generating one takes about a millisecond, so `pki_ensure_demo()` can
issue a certificate for every demo agency at `load_demo` and in test fixtures. A
production deployment keeps its certificates from a licensed CA and its keys in a token
(see `signing.SIGNING_SIGNER` and docs/signing.md); this module is then unused.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.conf import settings
from django.utils import timezone

from dichvucong.organizations.models import Agency

ROOT_CERT = "root.pem"
ROOT_KEY = "root.key"
AGENCY_DIR = "agencies"
ROOT_VALIDITY_DAYS = 20 * 365
AGENCY_VALIDITY_DAYS = 5 * 365
# id-kp-documentSigning (RFC 9336), for PDF signing; emailProtection is kept for readers
# that predate it (Adobe accepts either).
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
X520_MAX = 64
_SAFE_CODE = re.compile(r"^[A-Za-z0-9.\-_]+$")


class PkiError(Exception):
    """The PKI cannot do what was asked (no root yet, files exist, bad code)."""


@dataclass(frozen=True)
class Issued:
    """What a PKI operation produced: the certificate and where it was written."""

    certificate: x509.Certificate
    cert_path: Path
    key_path: Path
    created: bool


def signing_dir() -> Path:
    return Path(settings.SIGNING_DIR)


def root_cert_path() -> Path:
    return signing_dir() / ROOT_CERT


def agency_paths(code: str) -> tuple[Path, Path]:
    """Return the (certificate, key) paths of an agency's signing material."""
    if not _SAFE_CODE.match(code):
        raise PkiError(f"unsafe agency code for a file name: {code!r}")
    base = signing_dir() / AGENCY_DIR
    return base / f"{code}.pem", base / f"{code}.key"


def _passphrase() -> bytes:
    return str(settings.SIGNING_KEY_PASSPHRASE).encode()


def _write(path: Path, data: bytes, *, private: bool) -> None:
    """Write a file atomically (a temporary file then a rename), private keys as 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    tmp.replace(path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    )


def load_private_key(path: Path, *, passphrase: bytes | None = None) -> PrivateKeyTypes:
    """Load an encrypted PKCS#8 key; raise ValueError/TypeError with a wrong passphrase."""
    return serialization.load_pem_private_key(
        path.read_bytes(), password=_passphrase() if passphrase is None else passphrase
    )


def load_certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def root_subject_name() -> str:
    """Return the root CA's common name, from the configured province."""
    return f"UBND tỉnh {settings.PROVINCE_NAME} - CA thử nghiệm"


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, str(settings.PROVINCE_NAME)),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _x520(name: str) -> str:
    """Return a name cut at a word to fit O and CN (64 bytes of UTF-8, as `cryptography`
    counts them; a Vietnamese letter with diacritics takes two or three)."""
    if len(name.encode()) <= X520_MAX:
        return name
    words = name.split(" ")
    while words and len(" ".join(words).encode()) > X520_MAX:
        words.pop()
    return " ".join(words).rstrip(" -,") or name.encode()[:X520_MAX].decode(errors="ignore")


def pki_root_init(*, force: bool = False) -> Issued:
    """Create the province's root CA, unless one exists (then return it, or replace it
    with `force`; replacing the root invalidates every certificate issued under it)."""
    cert_path, key_path = root_cert_path(), signing_dir() / ROOT_KEY
    if cert_path.exists() and key_path.exists() and not force:
        return Issued(load_certificate(cert_path), cert_path, key_path, created=False)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(root_subject_name(), f"UBND tỉnh {settings.PROVINCE_NAME}")
    now = timezone.now() - dt.timedelta(minutes=5)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=ROOT_VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(key_path, _key_pem(key), private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), private=False)
    # Certificates under a replaced root no longer chain: forget cached signers.
    _ROOT_CACHE.clear()
    return Issued(cert, cert_path, key_path, created=True)


_ROOT_CACHE: dict[tuple[str, float], tuple[x509.Certificate, PrivateKeyTypes]] = {}


def _root() -> tuple[x509.Certificate, PrivateKeyTypes]:
    cert_path, key_path = root_cert_path(), signing_dir() / ROOT_KEY
    if not (cert_path.exists() and key_path.exists()):
        raise PkiError("no root CA yet: run `manage.py pki_init` first")
    cache_key = (str(cert_path), cert_path.stat().st_mtime)
    if cache_key not in _ROOT_CACHE:
        _ROOT_CACHE[cache_key] = (load_certificate(cert_path), load_private_key(key_path))
    return _ROOT_CACHE[cache_key]


def pki_agency_issue(*, agency: Agency, force: bool = False) -> Issued:
    """Issue the agency's signing certificate under the root, unless it has one (then
    return it, or replace it with `force`)."""
    cert_path, key_path = agency_paths(agency.code)
    if cert_path.exists() and key_path.exists() and not force:
        return Issued(load_certificate(cert_path), cert_path, key_path, created=False)
    root_cert, root_key = _root()
    if not isinstance(root_key, ec.EllipticCurvePrivateKey):
        raise PkiError("the root key is not an EC key")
    key = ec.generate_private_key(ec.SECP256R1())
    now = timezone.now() - dt.timedelta(minutes=5)
    not_after = min(now + dt.timedelta(days=AGENCY_VALIDITY_DAYS), root_cert.not_valid_after_utc)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, str(settings.PROVINCE_NAME)),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _x520(agency.name)),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency.code),
            x509.NameAttribute(NameOID.COMMON_NAME, _x520(agency.name)),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    _write(key_path, _key_pem(key), private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), private=False)
    return Issued(cert, cert_path, key_path, created=True)


def pki_ensure_demo() -> list[Issued]:
    """Create the root CA and every agency's certificate that is missing; idempotent.

    Return what was created (empty when everything was there).
    """
    created: list[Issued] = []
    root = pki_root_init()
    if root.created:
        created.append(root)
    for agency in Agency.objects.local().only("code", "name").order_by("code"):
        issued = pki_agency_issue(agency=agency)
        if issued.created:
            created.append(issued)
    return created


def trust_roots() -> list[x509.Certificate]:
    """Return the certificates verification trusts: the province's root (when the PKI is
    set up) and every certificate in the SIGNING_EXTRA_TRUST_ROOTS files."""
    roots: list[x509.Certificate] = []
    path = root_cert_path()
    if path.exists():
        roots.append(load_certificate(path))
    for extra in settings.SIGNING_EXTRA_TRUST_ROOTS:
        roots.extend(x509.load_pem_x509_certificates(Path(extra).read_bytes()))
    return roots


def trust_roots_pem() -> bytes:
    """Return the trust roots as concatenated PEM (what /verify/roots/ publishes)."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in trust_roots())
