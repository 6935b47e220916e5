"""PAdES B-T: signing with an RFC 3161 time-stamp authority named by SIGNING_TIMESTAMP_URL.

The authority is a real HTTP server on localhost answering with pyHanko's test TSA
(`DummyTimeStamper`), its certificate issued under the session's root CA.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator.registry import SimpleCertificateStore

from dichvucong.documents import pki, signing
from dichvucong.documents.tests.test_signing import root_context
from dichvucong.documents.verification import VerificationStatus, pdf_verify
from dichvucong.organizations.models import Agency


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def tsa_under_root() -> DummyTimeStamper:
    """Return a test TSA whose certificate the province's root issued."""
    root = pki.load_certificate(pki.root_cert_path())
    root_key = pki.load_private_key(pki.signing_dir() / pki.ROOT_KEY)
    assert isinstance(root_key, ec.EllipticCurvePrivateKey)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the test TSA: RSA only
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA thử nghiệm")]))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return DummyTimeStamper(
        tsa_cert=_asn1(cert),
        tsa_key=key_info,
        certs_to_embed=SimpleCertificateStore.from_certs([_asn1(root)]),
    )


@pytest.fixture
def tsa_url(signing_pki: Path) -> Iterator[str]:
    stamper = tsa_under_root()
    requests: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(body)
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/tsa"
    server.shutdown()
    server.server_close()
    assert requests, "the TSA was never asked"


def test_with_a_tsa_the_signature_is_pades_b_t(
    settings: Any, tsa_url: str, province: dict[str, Agency], receipt_pdf: bytes
) -> None:
    settings.SIGNING_TIMESTAMP_URL = tsa_url

    signed = signing.pdf_sign(pdf=receipt_pdf, agency=province["000.00.20.H10"], reason="B-T")

    [sig] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    status = validate_pdf_signature(sig, root_context(), ts_validation_context=root_context())
    assert status.bottom_line is True
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.valid and status.timestamp_validity.trusted
    report = pdf_verify(pdf=signed)
    assert report.status == VerificationStatus.VALID
    [finding] = report.signatures
    assert finding.timestamped is True
    assert finding.timestamp_time is not None
    assert abs((finding.timestamp_time - dt.datetime.now(dt.UTC)).total_seconds()) < 60


def test_an_unreachable_tsa_fails_the_signing(
    settings: Any, signing_pki: Path, province: dict[str, Agency], receipt_pdf: bytes
) -> None:
    settings.SIGNING_TIMESTAMP_URL = "http://127.0.0.1:9/tsa"

    with pytest.raises(signing.SigningFailed):
        signing.pdf_sign(pdf=receipt_pdf, agency=province["000.00.20.H10"], reason="B-T")
