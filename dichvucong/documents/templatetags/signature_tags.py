"""The signatures section of the back office's dossier page (uploaded signed PDFs).

The page includes `documents/backoffice_signatures.html`, which calls the tag here; the
page's view has already checked that the officer may see the dossier.
"""

from __future__ import annotations

from typing import Any

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("documents/_backoffice_signatures.html", takes_context=True)
def backoffice_document_signatures(context: template.Context) -> dict[str, Any]:
    """Each uploaded PDF of the dossier: signed or not, and what each signature is worth."""
    return {"rows": selectors.dossier_document_signatures(dossier=context["dossier"])}
