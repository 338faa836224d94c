"""Demo content of the public area: three news and three PDF documents (idempotent).

Called by the demo data command; safe to run again (items are matched by slug/title).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape

from .models import Audience, Document, News

ROME = ZoneInfo("Europe/Rome")

NEWS = [
    {
        "slug": "utenti-registrati-convenzione-7",
        "title": "UTENTI REGISTRATI CONVENZIONE 7",
        "published_at": datetime(2021, 6, 16, 12, 0, tzinfo=ROME),
        "teaser": "Sei un utente precedentemente registrato al portale della Convenzione di "
        "Telefonia Mobile 5, 6 o 7?",
        "body": (
            "Se eri registrato al Portale delle Convenzioni di Telefonia Mobile 5, 6 o 7 non "
            "devi registrarti di nuovo: se la tua linea è ora attiva in Convenzione 8, accedi "
            "con la username e la password che già usi.\n\n"
            "Se invece la tua linea non era registrata, registrati con il tuo numero mobile "
            "aziendale TIM, che deve essere una SIM attiva in Convenzione 8. Il Portale "
            "riconosce il tuo profilo (ROA, referente o dipendente) dal numero registrato.\n\n"
            "Durante la registrazione ricevi via SMS un codice temporaneo e un'email per "
            "confermare il tuo indirizzo. Per assistenza chiama il Numero verde 800.680.068."
        ),
        "audience": Audience.PUBLIC,
    },
    {
        "slug": "portale-convenzione-8-anche-da-smartphone",
        "title": "Il Portale della Convenzione 8 anche da smartphone e tablet",
        "published_at": datetime(2021, 5, 3, 9, 30, tzinfo=ROME),
        "teaser": "Da oggi il Portale si adatta automaticamente allo schermo di tablet e "
        "smartphone: tutte le funzioni sono disponibili anche in mobilità.",
        "body": (
            "A differenza dei portali delle precedenti Convenzioni, il Portale della Convenzione "
            "Telefonia Mobile 8 è utilizzabile anche da tablet e smartphone. Le pagine si "
            "ridimensionano automaticamente e i menu superiori sono raccolti nel simbolo del "
            "menu in alto.\n\n"
            "Sono supportate le ultime versioni di Google Chrome, Mozilla Firefox, Safari e "
            "Microsoft Edge."
        ),
        "audience": Audience.PUBLIC,
    },
    {
        "slug": "nuove-soglie-di-spesa-dati-roaming-extra-ue",
        "title": "Nuove soglie di spesa per il traffico dati in Roaming Extra UE",
        "published_at": datetime(2021, 4, 12, 10, 0, tzinfo=ROME),
        "teaser": "I Referenti possono ora variare dal Portale le soglie di spesa per il traffico "
        "dati in Roaming Extra UE delle linee del contratto.",
        "body": (
            'Nella sezione Gestione soglie è disponibile la nuova funzione "Variazione soglie '
            'Dati Roaming Extra UE". Il Referente può impostare, per ogni linea, la soglia di '
            "spesa oltre la quale il traffico dati in Roaming Extra UE viene bloccato.\n\n"
            "Ogni richiesta genera una pratica, monitorabile nello Storico pratiche."
        ),
        "audience": Audience.REGISTERED,
    },
]

DOCUMENTS = [
    {
        "title": "Guida rapida al Portale della Convenzione Telefonia Mobile 8",
        "description": "Come registrarsi, accedere all'Area Clienti e usare le principali "
        "funzioni del Portale.",
        "filename": "guida-rapida-portale-convenzione-8.pdf",
        "order": 10,
        "sections": [
            (
                "Registrazione",
                "Dalla home page scegli REGISTRATI ORA e inserisci il tuo numero "
                "mobile aziendale TIM: riceverai un codice temporaneo via SMS. Completa i dati "
                "personali e dell'Ente, conferma l'email e scegli la password.",
            ),
            (
                "Accesso",
                "Usa username e password scelte in registrazione. In caso di smarrimento "
                "scegli RECUPERA USERNAME e PASSWORD nella pagina di accesso.",
            ),
            (
                "Area Clienti",
                "Il menu superiore mostra le funzioni disponibili per il tuo "
                "profilo: Linee e listino, Pratiche e richieste, Fatturazione e traffico, Gestione "
                "soglie, Servizi avanzati, Assistenza.",
            ),
        ],
    },
    {
        "title": "Condizioni e servizi della Convenzione Telefonia Mobile 8",
        "description": "Sintesi dei profili tariffari, dei servizi su linea e dei servizi a "
        "contratto previsti dalla Convenzione.",
        "filename": "condizioni-servizi-convenzione-8.pdf",
        "order": 20,
        "sections": [
            ("Profili tariffari", "PA 8, PA 8 PACCHETTO, RICARICABILE Business VOLTE e M2M PA 8."),
            (
                "Servizi su linea (STS)",
                "Servizi attivabili sulla singola linea con canone "
                "mensile e percentuale di addebito all'Ente.",
            ),
            ("Servizi a contratto (SAC)", "Servizi validi per tutte le linee del contratto."),
        ],
    },
    {
        "title": "Canali di assistenza e orari del servizio clienti",
        "description": "Numeri verdi, caselle email e PEC, orari del servizio clienti dedicato.",
        "filename": "canali-assistenza-convenzione-8.pdf",
        "order": 30,
        "sections": [
            (
                "Numero verde fonia",
                "800.680.068, dal lunedì al venerdì dalle 8:00 alle 20:00, "
                "sabato dalle 8:00 alle 14:00, esclusi i festivi nazionali.",
            ),
            ("Numero verde fax", "800.000.210"),
            (
                "Email e PEC",
                "telefoniamobile8@telecomitalia.it - telefoniamobile8@pec.telecomitalia.it",
            ),
        ],
    },
]


def render_pdf(title: str, sections: list[tuple[str, str]]) -> bytes:
    import weasyprint

    body = "".join(f"<h2>{escape(h)}</h2><p>{escape(t)}</p>" for h, t in sections)
    html = f"""<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>@page {{ size: A4; margin: 2cm; @bottom-right {{ content: counter(page); }} }}
body {{ font-family: sans-serif; font-size: 11pt; color: #1a1a1a; }}
header {{ border-bottom: 3px solid #0066cc; margin-bottom: 1cm; }}
.logo {{ color: #004080; font-weight: bold; font-size: 20pt; letter-spacing: 2pt; }}
h1 {{ font-size: 18pt; color: #004080; }} h2 {{ font-size: 13pt; color: #0066cc; }}</style>
</head><body><header><div class="logo">TIM</div>
<p>Convenzione Telefonia Mobile 8 - Portale di eCaring</p></header>
<h1>{escape(title)}</h1>{body}
<p style="margin-top:1cm;font-size:9pt">Gruppo TIM - P.IVA 00488410010</p></body></html>"""
    return weasyprint.HTML(string=html).write_pdf()


@transaction.atomic
def load_public_demo_content() -> dict:
    """Create the demo news and documents if missing; returns how many were created."""
    created = {"news": 0, "documents": 0}
    for item in NEWS:
        _, made = News.objects.get_or_create(slug=item["slug"], defaults=item)
        created["news"] += made
    for item in DOCUMENTS:
        if Document.objects.filter(title=item["title"]).exists():
            continue
        doc = Document(
            title=item["title"],
            description=item["description"],
            order=item["order"],
            audience=Audience.PUBLIC,
        )
        doc.file.save(
            item["filename"], ContentFile(render_pdf(item["title"], item["sections"])), save=False
        )
        doc.save()
        created["documents"] += 1
    return created


__all__ = ["load_public_demo_content"]
