"""Reference data of the demo: tariff plans, direttrici, RIF profiles, STS, SAC, devices,
TIM TUO options and the price list."""

from __future__ import annotations

from decimal import Decimal

D = Decimal

# name, category, monthly fee
TARIFF_PLANS = [
    ("PA 8", "CONSUMO", D("2.50")),
    ("PA 8 PACCHETTO", "PACCHETTO", D("7.90")),
    ("RICARICABILE Business VOLTE", "RICARICABILE", D("0.00")),
    ("M2M PA 8", "M2M", D("1.20")),
]

NETWORK_CATEGORIES = [
    ("INT", "Internazionale"),
    ("ROAM", "Roaming"),
    ("SOVRAPPR", "Numerazioni a sovrapprezzo (89x/4xx)"),
    ("SAT", "Satellitare"),
    ("DATI", "Dati"),
]

RIF_PROFILES = [
    ("RIF00", "Nessuna restrizione"),
    ("RIF01", "Solo chiamate nazionali"),
    ("RIF02", "Nazionali e UE, no internazionali"),
    ("RIF03", "Solo numeri aziendali e di emergenza"),
    ("RIF04", "Solo dati, voce bloccata"),
]

# description, monthly fee; by line category
STS_SUBSCRIPTION = [
    ("VOCE VOLTE eBU_obb", D("0.00")),
    ("SUPER INTERNET MOBILE LTE VOLTE", D("5.00")),
    ("RIF USCENTE", D("0.00")),
    ("RIF IN ROAMING", D("0.00")),
    ("BLOCCO SATELLITARE", D("0.00")),
    ("Servizio Free Reperibilita_obb", D("0.00")),
]
STS_PREPAID = [
    ("VOCE VOLTE eSU_abb", D("0.00")),
    ("SUPER INTERNET MOBILE LTE VOLTE", D("5.00")),
    ("BLOCCO SATELLITARE", D("0.00")),
    ("RIF USCENTE", D("0.00")),
]
APNS = ["ibox.tim.it", "m2m.tim.it", "iboxtimit", "telemetria.pa.tim.it", "ids.tim.it"]

# (code, description) of contract services; codes drive the advanced-service links (G-37)
CONTRACT_SERVICES = [
    ("TIMTUO", "TIM TUO A CONTRATTO"),
    ("EMM", "EMM AirWatch"),
    ("FLEET", "Fleet management"),
    ("MESSAGING", "Servizi di messaggistica aziendale"),
    ("MOBILE_PAYMENT", "Mobile Payment"),
    ("SMART_WORKING", "Smart working"),
    ("SMAS", "SMAS Net Profiler"),
]

# description, NMU code, brand, model, os, service type
DEVICES = [
    ("NOLEGGIO Samsung Galaxy S5 Black TIM", "705935", "Samsung", "Galaxy S5", "Android",
     "NOLEGGIO"),
    ("VENDITA RATEALE I.TIM NOKIA N73 RED AND WHITE", "705936", "Nokia", "N73", "Symbian",
     "VENDITA RATEALE"),
    ("VENDITA RATEALE ITELCO ALICE MOBILE TABLET PC IDOL + TC", "713361", "Alcatel", "Idol Tab",
     "Android", "VENDITA RATEALE"),
    ("NOLEGGIO Apple iPhone 13 128GB Midnight", "741202", "Apple", "iPhone 13", "iOS",
     "NOLEGGIO"),
    ("NOLEGGIO Samsung Galaxy A54 5G Black", "743318", "Samsung", "Galaxy A54", "Android",
     "NOLEGGIO"),
    ("MANUTENZIONE Apple iPad 10.9 Wi-Fi + Cellular", "744090", "Apple", "iPad 10", "iPadOS",
     "MANUTENZIONE"),
    ("VENDITA RATEALE Motorola moto g54 5G", "745512", "Motorola", "moto g54", "Android",
     "VENDITA RATEALE"),
    ("MANUTENZIONE Samsung Galaxy XCover 6 Pro", "745977", "Samsung", "Galaxy XCover 6 Pro",
     "Android", "MANUTENZIONE"),
]  # fmt: skip

# (family, code, name, price) of personal TIM TUO options (E-16)
PERSONAL_OPTIONS = [
    ("PACC_NAZ", "S1", "Pacchetto S1", D("3.00")),
    ("PACC_NAZ", "S4", "Pacchetto S4", D("5.00")),
    ("PACC_NAZ", "M4", "Pacchetto M4", D("7.00")),
    ("PACC_NAZ", "M20", "Pacchetto M20", D("9.00")),
    ("PACC_NAZ", "L4", "Pacchetto L4", D("11.00")),
    ("PACC_NAZ", "L20", "Pacchetto L20", D("13.00")),
    ("PLAF_NAZ", "DATI10", "Plafond mensile 10GB dati nazionali + UE", D("4.00")),
    ("PLAF_NAZ", "DATI50", "Plafond mensile 50GB dati nazionali + UE", D("8.00")),
    ("PLAF_AGG", "1GB Plus", "1GB Plus", D("2.00")),
    ("PLAF_AGG", "4GB Plus", "4GB Plus", D("4.00")),
    ("PLAF_AGG", "20GB Plus", "20GB Plus", D("8.00")),
    ("PACC_EXTUE", "RXU", "Pacchetto giornaliero roaming extra UE", D("6.00")),
    ("PACC_EXTUE_X", "RXU-X", "Pacchetto giornaliero roaming extra UE Exclusive", D("9.00")),
    ("PLAF_EXTUE", "RXD", "Plafond mensile 500MB dati roaming extra UE", D("10.00")),
    ("PLAF_EXTUE_X", "RXD-X", "Plafond mensile 500MB dati roaming extra UE Exclusive", D("15.00")),
]

COMPANY_OPTIONS = [
    ("TTROAM-ABB", "TIM Tuo Roaming on Extra UE (per abbonamento)", "ABBONAMENTO"),
    ("TTMMS-RIC", "TIM Tuo MMS (per ricaricabile)", "RICARICABILE"),
    ("TTROAM-RIC", "TIM Tuo Roaming on Extra UE (per ricaricabile)", "RICARICABILE"),
]

PRICE_LIST_VERSION = "8.1"

TRAFFIC_PRICES = [
    ("VOCE-NAZ", "Chiamate nazionali verso fissi e mobili", "€/minuto", D("0.0200")),
    ("SMS-NAZ", "SMS nazionale", "€/SMS", D("0.0400")),
    ("MMS-NAZ", "MMS nazionale", "€/MMS", D("0.1500")),
    ("DATI-NAZ", "Traffico dati nazionale fuori bundle", "€/MB", D("0.0010")),
    ("VOCE-EXTUE", "Chiamate in roaming extra UE", "€/minuto", D("1.2000")),
    ("DATI-EXTUE", "Traffico dati in roaming extra UE", "€/MB", D("0.9000")),
    ("RIC-ONESHOT", "Ricarica one shot", "taglio", D("0.0000")),
]

OPERATORS = ["TIM", "VODAFONE", "WIND TRE", "ILIAD", "FASTWEB", "ALTRO"]
