"""The adapter to the national portal's synchronisation interface, over HTTPS and JSON.

One `NationalClient` per delivery run: it takes a token with the client id and secret,
then calls the operations of the interface (next dossier code, file upload, create the
dossier, progress entry, status change). Every call has a timeout; every failure
becomes a `NationalError` that says whether trying again later may help (the service
is down, slow or refuses our credentials) or not (it refused the content).

The same code talks to the real endpoint and to the stand-in (`standin/`); only
`NATIONAL_SYNC_URL` and the credentials differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext as _

# The operations' paths under NATIONAL_SYNC_URL; NATIONAL_SYNC_PATHS overrides them.
PATHS: dict[str, str] = {
    "token": "token",
    "next_code": "hoso/lay-ma-ho-so",
    "upload": "tep-tin",
    "create": "hoso",
    "progress": "hoso/tien-do",
    "status": "hoso/trang-thai",
}


def session_new() -> requests.Session:
    """Return the HTTP session of a new client (the tests route it to the stand-in's views)."""
    return requests.Session()


class NationalConfigError(Exception):
    """The synchronisation is switched on but its settings cannot work."""


class NationalError(Exception):
    """A call to the national portal failed; `retryable` says whether to try again."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class NationalConfig:
    url: str
    client_id: str
    client_secret: str
    timeout: float
    paths: dict[str, str]


def national_config() -> NationalConfig:
    """Return the settings of the synchronisation, or raise `NationalConfigError`."""
    url = str(getattr(settings, "NATIONAL_SYNC_URL", "") or "")
    client_id = str(getattr(settings, "NATIONAL_SYNC_CLIENT_ID", "") or "")
    secret = str(getattr(settings, "NATIONAL_SYNC_CLIENT_SECRET", "") or "")
    problems = []
    if not url.startswith(("http://", "https://")):
        problems.append(
            _("NATIONAL_SYNC_URL phải là địa chỉ http:// hoặc https:// (đang là %(value)r).")
            % {"value": url}
        )
    if not client_id:
        problems.append(_("Chưa cấu hình NATIONAL_SYNC_CLIENT_ID."))
    if not secret:
        problems.append(_("Chưa cấu hình NATIONAL_SYNC_CLIENT_SECRET."))
    if problems:
        raise NationalConfigError(" ".join(str(p) for p in problems))
    return NationalConfig(
        url=url.rstrip("/") + "/",
        client_id=client_id,
        client_secret=secret,
        timeout=float(getattr(settings, "NATIONAL_SYNC_TIMEOUT", 10)),
        paths={**PATHS, **getattr(settings, "NATIONAL_SYNC_PATHS", {})},
    )


def _message(response: requests.Response) -> str:
    """Return what the service said about an error, or the start of its answer."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        text = str(body.get("message") or body.get("Message") or "")
        errors = body.get("errors")
        if isinstance(errors, dict) and errors:
            text += " " + "; ".join(f"{k}: {v}" for k, v in errors.items())
        return text.strip() or str(body)[:200]
    return str(body)[:200]


class NationalClient:
    """Calls to the national portal with one token (taken on the first call)."""

    def __init__(
        self, *, config: NationalConfig | None = None, session: requests.Session | None = None
    ) -> None:
        self.config = config or national_config()
        self.session = session or session_new()
        self._token = ""

    def _url(self, operation: str) -> str:
        return self.config.url + self.config.paths[operation].lstrip("/")

    def _send(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self.session.post(
                self._url(operation), timeout=self.config.timeout, **kwargs
            )
        except requests.Timeout as error:
            raise NationalError(
                _("Cổng quốc gia không trả lời trong %(seconds)s giây.")
                % {"seconds": self.config.timeout},
                retryable=True,
            ) from error
        except requests.ConnectionError as error:
            raise NationalError(
                _("Không kết nối được Cổng quốc gia tại %(url)s.") % {"url": self.config.url},
                retryable=True,
            ) from error
        except requests.RequestException as error:
            raise NationalError(
                _("Lỗi khi gọi Cổng quốc gia: %(error)s") % {"error": type(error).__name__},
                retryable=True,
            ) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise NationalError(
                _("Cổng quốc gia tạm thời không xử lý được (HTTP %(status)s): %(message)s")
                % {"status": response.status_code, "message": _message(response)},
                retryable=True,
                status=response.status_code,
            )
        if response.status_code in (401, 403):
            raise NationalError(
                _("Cổng quốc gia từ chối xác thực (HTTP %(status)s): %(message)s")
                % {"status": response.status_code, "message": _message(response)},
                retryable=True,
                status=response.status_code,
            )
        if response.status_code >= 400:
            raise NationalError(
                _("Cổng quốc gia từ chối dữ liệu (HTTP %(status)s): %(message)s")
                % {"status": response.status_code, "message": _message(response)},
                retryable=False,
                status=response.status_code,
            )
        try:
            body = response.json()
        except ValueError as error:
            raise NationalError(
                _("Cổng quốc gia trả lời không phải JSON (HTTP %(status)s).")
                % {"status": response.status_code},
                retryable=True,
                status=response.status_code,
            ) from error
        if not isinstance(body, dict):
            raise NationalError(_("Cổng quốc gia trả lời sai định dạng."), retryable=True)
        return body

    def _authorised(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """Call `operation` with the token; take a new one once if it was refused."""
        if not self._token:
            self.token()
        try:
            return self._send(operation, headers=self._headers(), **kwargs)
        except NationalError as error:
            if error.status != 401:
                raise
        self.token()
        return self._send(operation, headers=self._headers(), **kwargs)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def token(self) -> str:
        """Take a token with the client id and secret."""
        body = self._send(
            "token",
            json={"client_id": self.config.client_id, "client_secret": self.config.client_secret},
        )
        token = str(body.get("access_token") or "")
        if not token:
            raise NationalError(_("Cổng quốc gia không cấp mã truy cập (token)."), retryable=True)
        self._token = token
        return token

    def next_code(self, *, agency_code: str) -> str:
        """Return a new national dossier code (MaHoSo) for a dossier of `agency_code`."""
        body = self._authorised("next_code", json={"MaDonVi": agency_code})
        code = str((body.get("data") or {}).get("MaHoSo") or "")
        if not code:
            raise NationalError(_("Cổng quốc gia không cấp mã hồ sơ."), retryable=True)
        return code

    def upload(self, *, name: str, content: bytes, sha256: str) -> dict[str, str]:
        """Upload one file; return its `IdGiayTo` and `HashTepTin`."""
        body = self._authorised(
            "upload", files={"file": (name, content)}, data={"HashTepTin": sha256}
        )
        data = body.get("data") or {}
        if data.get("HashTepTin") != sha256 or not data.get("IdGiayTo"):
            raise NationalError(
                _("Cổng quốc gia nhận tệp %(name)s nhưng mã băm không khớp.") % {"name": name},
                retryable=True,
            )
        return {"IdGiayTo": str(data["IdGiayTo"]), "HashTepTin": str(data["HashTepTin"])}

    def create(self, *, sync_id: str, dossier: dict[str, Any]) -> dict[str, Any]:
        """Create the dossier (idempotent by `sync_id`)."""
        return self._authorised("create", json={**dossier, "IdDongBo": sync_id})

    def progress(self, *, sync_id: str, entry: dict[str, Any]) -> dict[str, Any]:
        """Add a progress entry (idempotent by `sync_id`)."""
        return self._authorised("progress", json={**entry, "IdDongBo": sync_id})

    def status(self, *, sync_id: str, change: dict[str, Any]) -> dict[str, Any]:
        """Change the dossier's status (idempotent by `sync_id`)."""
        return self._authorised("status", json={**change, "IdDongBo": sync_id})
