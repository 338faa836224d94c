"""Scope cases of the Assistenza URLs (see portale/core/tests/test_access.py)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from portale.support.models import Manual


def manual_pdf(env):
    shown = Manual(title="Guida al Portale")
    shown.file.save("guida.pdf", ContentFile(b"%PDF-1.4 guida"), save=True)
    hidden = Manual(title="Bozza", published=False)
    hidden.file.save("bozza.pdf", ContentFile(b"%PDF-1.4 bozza"), save=True)
    return {"user": env.users["ROA"], "own": {"pk": shown.pk}, "foreign": {"pk": hidden.pk}}


SCOPE_CASES = {"support:manual_pdf": manual_pdf}
