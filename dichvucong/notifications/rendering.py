"""Render an event's messages from its template folder.

Each event is a folder `notifications/templates/notifications/<event>/` holding
`title.txt` and `body.txt` (the in-app message), `email_subject.txt`, `email_body.txt`
(and optionally `email_body.html`), and optionally `sms.txt`: an event without it sends
no text message. Plain-text templates are rendered without HTML escaping.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist
from django.utils import translation

SMS_MAX_LENGTH = 160

_EVENT_NAME = re.compile(r"[a-z][a-z0-9_]*")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_SMS_SPECIAL = str.maketrans({"đ": "d", "Đ": "D"})
# Typographic quotes and dashes are not in the GSM alphabet of one-part messages.
_SMS_PUNCTUATION = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2026": "..."}
)


class UnknownEventError(ValueError):
    """The event has no template folder: a programming error of the caller."""


@dataclass(frozen=True)
class RenderedEvent:
    title: str
    body: str
    email_subject: str
    email_body: str
    email_html: str
    sms: str  # empty when the event sends no text message


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str) -> str:
    lines = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return _BLANK_LINES.sub("\n\n", lines)


def sms_text(text: str) -> str:
    """Return `text` on one line, without diacritics, cut to one SMS (160 characters).

    Vietnamese carriers charge a message with diacritics (UCS-2) per 70 characters and
    many brand-name SMS contracts accept only unaccented text, so messages go out the way
    Vietnamese services write them: "Ho so ... da duoc tiep nhan".
    """
    decomposed = unicodedata.normalize("NFD", _one_line(text).translate(_SMS_SPECIAL))
    plain = unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )
    plain = plain.translate(_SMS_PUNCTUATION)
    if len(plain) > SMS_MAX_LENGTH:
        plain = plain[: SMS_MAX_LENGTH - 3].rstrip() + "..."
    return plain


def _render(engine: Engine, name: str, context: Mapping[str, str], *, html: bool = False) -> str:
    template = engine.get_template(name)
    return template.render(Context(dict(context), autoescape=html))


def render_event(event: str, context: Mapping[str, str]) -> RenderedEvent:
    """Render every message of `event` in the site's language.

    Raise UnknownEventError when the event has no templates.
    """
    if not _EVENT_NAME.fullmatch(event):
        raise UnknownEventError(f"Invalid notification event name {event!r}")
    engine = Engine.get_default()
    folder = f"notifications/{event}"
    values = {"portal_name": settings.PORTAL_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        try:
            title = _render(engine, f"{folder}/title.txt", values)
        except TemplateDoesNotExist:
            raise UnknownEventError(f"Unknown notification event {event!r}") from None
        body = _render(engine, f"{folder}/body.txt", values)
        subject = _render(engine, f"{folder}/email_subject.txt", values)
        email_body = _render(engine, f"{folder}/email_body.txt", values)
        try:
            email_html = _render(engine, f"{folder}/email_body.html", values, html=True)
        except TemplateDoesNotExist:
            email_html = ""
        try:
            sms = _render(engine, f"{folder}/sms.txt", values)
        except TemplateDoesNotExist:
            sms = ""
    return RenderedEvent(
        title=_one_line(title),
        body=_paragraphs(body),
        email_subject=_one_line(subject),
        email_body=_paragraphs(email_body) + "\n",
        email_html=email_html.strip(),
        sms=sms_text(sms) if sms.strip() else "",
    )
