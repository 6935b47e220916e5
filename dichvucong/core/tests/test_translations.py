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


def test_rest_frameworks_messages_are_in_vietnamese() -> None:
    """Its validation errors and refusals reach Vietnamese users: every message of the
    installed REST framework is Vietnamese, from its catalogue, Django's or ours (vi)."""
    import rest_framework
    from django.utils import translation

    english = Path(rest_framework.__file__).parent / "locale" / "en" / "LC_MESSAGES"
    with (english / "django.mo").open("rb") as catalogue:
        messages = gettext.GNUTranslations(catalogue)._catalog  # type: ignore[attr-defined]
    singular = [key for key in messages if key and isinstance(key, str)]
    plural = {key[0] for key in messages if isinstance(key, tuple)}
    assert len(singular) > 100
    ours = dict(_entries((LOCALE.parent.parent / "vi" / "LC_MESSAGES" / "django.po").read_text()))
    with translation.override("vi"):
        untranslated = [m for m in singular if translation.gettext(m) == m]
        untranslated += [m for m in plural if translation.ngettext(m, m + "s", 2) == m + "s"]
        assert untranslated == []
        assert translation.gettext("Invalid token.") == "Mã truy cập không hợp lệ."
    for msgid, (msgstr, *_rest) in ours.items():
        assert set(re.findall(r"\{[^}]*\}", msgid)) == set(re.findall(r"\{[^}]*\}", msgstr))
