"""Demo content of Assistenza: the manuals the back office publishes (idempotent)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from portale.core.pdf import render_pdf

from .models import Manual

MANUALS = [
    (
        "Guida rapida al Portale Convenzione Telefonia Mobile 8",
        Manual.Audience.EVERYONE,
        [
            "Accedi con username, password e il codice che ricevi via SMS.",
            "Dalla Home scegli le funzioni del tuo profilo nei menu in alto.",
            "Segui le richieste inviate in Storico pratiche e Storico ordini.",
        ],
    ),
    (
        "Sistema SMAS/Netprofiler",
        Manual.Audience.REFERENTS,
        [
            "SMAS gestisce la Rete Privata Virtuale (RPV) o la Rete Intelligente Flessibile (RIF).",
            "Le credenziali SMAS sono diverse da quelle del Portale.",
            "Per assegnazione o reset delle credenziali usa Servizi avanzati.",
        ],
    ),
]


def load_support_demo_content() -> int:
    made = 0
    for title, audience, paragraphs in MANUALS:
        if Manual.objects.filter(title=title).exists():
            continue
        pdf = render_pdf("support/pdf/manual.html", {"title": title, "paragraphs": paragraphs})
        manual = Manual(title=title, audience=audience)
        manual.file.save("manuale.pdf", ContentFile(pdf), save=True)
        made += 1
    return made
