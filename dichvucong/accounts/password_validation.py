"""Password validators whose messages Django 5.2's Vietnamese catalogue lacks."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length check, with a Vietnamese message.

    Django 5.2 changed this message's msgid, and its Vietnamese translation no longer
    matches: without this class the refusal would be in English.
    """

    def get_error_message(self) -> str:
        return ngettext(
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Mật khẩu cần ít nhất %(min_length)d ký tự.",
            "Mật khẩu cần ít nhất %(min_length)d ký tự.",
            self.min_length,
        ) % {"min_length": self.min_length}
