"""The English translation is complete and compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def _entries(text: str) -> list[tuple[str, list[str]]]:
    """Return (msgid, [msgstr, ...]) for each entry of a .po file (header excluded)."""
    entries = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        strings: dict[str, str] = {}
        current = None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                strings[current] = match.group(2)
            elif line.startswith('"') and current:
                strings[current] += line[1:-1]
        if strings.get("msgid"):
            entries.append(
                (strings["msgid"], [v for k, v in strings.items() if k.startswith("msgstr")])
            )
    return entries


def test_every_message_has_an_english_translation() -> None:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, "review the fuzzy entries makemessages guessed"
    entries = _entries(text)
    assert len(entries) > 200
    untranslated = [msgid for msgid, translations in entries if not all(translations)]
    assert untranslated == []


def _unescape(value: str) -> str:
    return value.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")


def test_compiled_catalogue_is_up_to_date() -> None:
    """django.mo says what django.po says (run `make messages` after editing the .po)."""
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    expected = "Find administrative procedures and online public services"
    assert catalogue.gettext("Tra cứu thủ tục hành chính và dịch vụ công trực tuyến") == expected
    entries = _entries((LOCALE / "django.po").read_text(encoding="utf-8"))
    stale = [
        msgid
        for msgid, translations in entries
        if len(translations) == 1
        and catalogue.gettext(_unescape(msgid)) != _unescape(translations[0])
    ]
    assert stale == []
