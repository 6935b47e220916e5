"""Signing and verifying exchange messages: compact JWS (RFC 7515) with the sending
agency's key from the project's PKI and its certificate chain in the `x5c` header.

The algorithm follows the key: ES256 for EC P-256 keys (the development PKI), PS256 for
RSA keys. A verifier trusts a signature when the JWS verifies with the first `x5c`
certificate's key and that certificate chains (through the other `x5c` certificates,
if any) to one of the certificates registered for the partner; the certificate's OU is
the agency code it was issued to (see documents/pki.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import NameOID
from jwt.api_jws import PyJWS

from dichvucong.documents import pki

CONTENT_TYPE = "application/jose"
JWS_CTY = "application/vnd.dichvucong.exchange+json"
ALGORITHMS = ["ES256", "PS256", "RS256"]
MAX_CHAIN = 5

_jws = PyJWS(algorithms=ALGORITHMS)


class KeyUnavailable(Exception):
    """This installation has no signing key for the agency."""


class VerificationFailed(Exception):
    """A signature or a certificate chain does not verify; the message says why."""


@dataclass(frozen=True)
class AgencyKey:
    """An agency's private key with its certificate chain (leaf first)."""

    key: PrivateKeyTypes
    chain: tuple[x509.Certificate, ...]
    algorithm: str
    x5c: tuple[str, ...]


@dataclass(frozen=True)
class Verified:
    """What a verified JWS says and who signed it."""

    payload: dict[str, Any]
    header: dict[str, Any]
    certificate: x509.Certificate
    agency_code: str
    signer: str
    signature: str


_keys_lock = threading.Lock()
_keys: dict[tuple[str, float, float], AgencyKey] = {}


def _algorithm_for(key: PrivateKeyTypes) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "ES256"
    if isinstance(key, rsa.RSAPrivateKey):
        return "PS256"
    raise KeyUnavailable(f"unsupported key type {type(key).__name__}")


def agency_key(agency_code: str, *, directory: Path | None = None) -> AgencyKey:
    """Return the agency's signing key and chain from the PKI's files (decrypted once
    per process and reloaded when the files change); `directory` replaces SIGNING_DIR."""
    if not pki._SAFE_CODE.match(agency_code):
        raise KeyUnavailable(f"unsafe agency code {agency_code!r}")
    base = directory or pki.signing_dir()
    cert_path = base / pki.AGENCY_DIR / f"{agency_code}.pem"
    key_path = base / pki.AGENCY_DIR / f"{agency_code}.key"
    root_path = base / pki.ROOT_CERT
    if not (cert_path.exists() and key_path.exists()):
        raise KeyUnavailable(f"no signing key for agency {agency_code} in {base}")
    root_mtime = root_path.stat().st_mtime if root_path.exists() else 0.0
    cache_key = (str(cert_path), cert_path.stat().st_mtime, root_mtime)
    with _keys_lock:
        cached = _keys.get(cache_key)
        if cached is None:
            try:
                key = pki.load_private_key(key_path)
            except (ValueError, TypeError) as exc:
                raise KeyUnavailable(f"cannot decrypt the key {key_path}") from exc
            chain = [pki.load_certificate(cert_path)]
            if root_path.exists():
                chain.append(pki.load_certificate(root_path))
            cached = AgencyKey(
                key=key,
                chain=tuple(chain),
                algorithm=_algorithm_for(key),
                x5c=tuple(
                    base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                    for c in chain
                ),
            )
            _keys[cache_key] = cached
    return cached


def canonical(value: Any) -> bytes:
    """Return the JSON form two installations hash alike (sorted keys, no spaces, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def sign(*, payload: dict[str, Any], agency_code: str, directory: Path | None = None) -> str:
    """Return `payload` signed by the agency as a compact JWS."""
    material = agency_key(agency_code, directory=directory)
    return _jws.encode(
        canonical(payload),
        material.key,  # type: ignore[arg-type]
        algorithm=material.algorithm,
        headers={"typ": "JOSE", "cty": JWS_CTY, "x5c": list(material.x5c), "kid": agency_code},
    )


def signature_of(token: str) -> str:
    """Return the signature part of a compact JWS (what the logs keep of every message)."""
    return token.rsplit(".", 1)[-1] if token.count(".") == 2 else ""


_B64URL = str.maketrans("-_", "+/")


def _b64url(segment: str) -> bytes:
    """Decode one base64url segment strictly (C speed: PyJWT checks each character of the
    x5c-laden header in Python, several milliseconds per message)."""
    try:
        return base64.b64decode(
            segment.translate(_B64URL) + "=" * (-len(segment) % 4), validate=True
        )
    except (binascii.Error, ValueError) as exc:
        raise VerificationFailed(f"not a compact JWS: {exc}") from exc


@dataclass(frozen=True)
class Parsed:
    """A compact JWS taken apart, not verified."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def parse(token: str) -> Parsed:
    """Split and decode a compact JWS; raise VerificationFailed when it is not one with
    JSON objects for header and payload."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise VerificationFailed("not a compact JWS: three non-empty parts are required")
    try:
        header = json.loads(_b64url(parts[0]))
        payload = json.loads(_b64url(parts[1]))
    except ValueError as exc:
        raise VerificationFailed(f"not a compact JWS: {exc}") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise VerificationFailed("the header and the payload must be JSON objects")
    return Parsed(
        header=header,
        payload=payload,
        signing_input=f"{parts[0]}.{parts[1]}".encode(),
        signature=_b64url(parts[2]),
    )


def unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (header, payload) without verifying: only to find who claims to have sent it.

    Raise VerificationFailed when the token is not a well-formed JWS with a JSON object.
    """
    parsed = parse(token)
    return parsed.header, parsed.payload


@lru_cache(maxsize=256)
def _certificates(x5c: tuple[str, ...]) -> tuple[x509.Certificate, ...]:
    return tuple(x509.load_der_x509_certificate(base64.b64decode(c)) for c in x5c)


@lru_cache(maxsize=64)
def anchors_from_pem(pem: str) -> tuple[x509.Certificate, ...]:
    """Parse a partner's registered certificates (PEM, one or more)."""
    if not pem.strip():
        return ()
    return tuple(x509.load_pem_x509_certificates(pem.encode()))


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _valid_at(cert: x509.Certificate, now: datetime) -> bool:
    return cert.not_valid_before_utc <= now <= cert.not_valid_after_utc


def chain_verify(
    chain: tuple[x509.Certificate, ...], anchors: tuple[x509.Certificate, ...], now: datetime
) -> None:
    """Check that chain[0] chains to one of `anchors` (through chain[1:]); raise otherwise."""
    if not chain:
        raise VerificationFailed("no x5c certificate")
    if not anchors:
        raise VerificationFailed("no certificate registered for the partner")
    anchor_prints = {a.fingerprint(hashes.SHA256()) for a in anchors}
    current = chain[0]
    for _depth in range(MAX_CHAIN):
        if not _valid_at(current, now):
            raise VerificationFailed(f"certificate {current.subject.rfc4514_string()} expired")
        if current.fingerprint(hashes.SHA256()) in anchor_prints:
            return
        anchor = next((a for a in anchors if _issued_by(current, a)), None)
        if anchor is not None:
            if not _valid_at(anchor, now):
                raise VerificationFailed("the partner's certificate expired")
            return
        issuer = next((c for c in chain[1:] if c is not current and _issued_by(current, c)), None)
        if issuer is None:
            break
        current = issuer
    raise VerificationFailed("the certificate does not chain to the partner's certificates")


def agency_code_of(cert: x509.Certificate) -> str:
    """Return the agency code a PKI certificate was issued to (its OU)."""
    values = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    return str(values[0].value) if values else ""


def _common_name(cert: x509.Certificate) -> str:
    values = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else cert.subject.rfc4514_string()


def verify(
    *, token: str, anchors: tuple[x509.Certificate, ...], now: datetime | None = None
) -> Verified:
    """Verify the JWS against the certificate in its `x5c` and that certificate's chain to
    `anchors`; return the payload and the signer. Raise VerificationFailed otherwise."""
    now = now or datetime.now(tz=UTC)
    parsed = parse(token)
    header = parsed.header
    x5c = header.get("x5c")
    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise VerificationFailed("the x5c header is missing")
    algorithm_name = header.get("alg")
    if algorithm_name not in ALGORITHMS:
        raise VerificationFailed(f"algorithm {algorithm_name!r} is not accepted")
    try:
        chain = _certificates(tuple(x5c[:MAX_CHAIN]))
    except ValueError as exc:
        raise VerificationFailed(f"unreadable x5c certificate: {exc}") from exc
    chain_verify(chain, anchors, now)
    leaf = chain[0]
    algorithm = jwt.get_algorithm_by_name(str(algorithm_name))
    try:
        key = algorithm.prepare_key(leaf.public_key())
        valid = algorithm.verify(parsed.signing_input, key, parsed.signature)
    except (jwt.InvalidKeyError, ValueError, TypeError) as exc:
        raise VerificationFailed(f"the signature does not verify: {exc}") from exc
    if not valid:
        raise VerificationFailed("the signature does not verify")
    payload = parsed.payload
    return Verified(
        payload=payload,
        header=header,
        certificate=leaf,
        agency_code=agency_code_of(leaf),
        signer=_common_name(leaf),
        signature=signature_of(token),
    )
