"""The copy style sheet (docs/COPY.md), its mechanical part, over every user-facing string.

Grammar slips ("una email", "e'" for "è", "LOCALITA'"), the glossary's forbidden terms, one
case inside each status set, and Django's own wording where the project has its own. The
checker's own tests seed bad strings (a template in a temporary directory, a module) and
show it fails on each of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.utils import translation

from portale.core import copycheck


def test_the_project_follows_the_style_sheet():
    checked, found = copycheck.report()
    assert checked > 2000  # the checker does find the strings
    assert not found, f"{len(found)} faults against docs/COPY.md:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "bad",
    [
        "Ti abbiamo inviato una email",
        "La username e' mario.rossi",
        "E' indicato il valore della soglia",
        "LOCALITA'",
        "Non e' piu' disponibile",
        "pratiche relative e richieste ecc...",
        "N pratica",
        "NOLEGGIO NOLEGGIO Samsung",
        "Segui lo stato in Storico Pratiche",
        "Torna alla pagina iniziale",
        "il referente ROA/Master",
        "Numero Mobile",
        "Per effettuare il login",
        "L'export è preparato in background",
        "Gentile cliente,",
        "Sei stato registrato con successo",
        "Email Confermata",
        "Inserisci il codice OTP",
        "CANCELLA",
        "Gentile Referente,\nLe inviamo in allegato il report",
        "Clicca su “Invia di nuovo”",
    ],
)
def test_the_checker_catches_each_fault(bad):
    assert copycheck.faults(bad), bad


@pytest.mark.parametrize(
    "good",
    [
        "Ti abbiamo inviato un'email",
        "La username è mario.rossi",
        "È indicato il valore della soglia",
        "LOCALITÀ",
        "L'utenza dell'Ente",
        "DELL'ENTE, ALL'ATTENZIONE DI",
        "N° pratica",
        "Storico pratiche",
        "Home",
        "Numero mobile",
        "Gentile utente,",
        "Email confermata",
        "Codice temporaneo",
        "ELIMINA",
        "l'e-mail",
    ],
)
def test_the_checker_lets_good_copy_through(good):
    assert not copycheck.faults(good), good


def test_a_seeded_bad_template_fails_the_check(tmp_path: Path):
    """A template like the project's, with the faults the issue found: the check fails."""
    folder = tmp_path / "app" / "templates" / "app"
    folder.mkdir(parents=True)
    (folder / "done.html").write_text(
        '{% load i18n %}<p class="lead">{% translate "Ti abbiamo inviata una email." %}</p>\n'
        '<p>Vai a "Storico Pratiche".</p>\n'
        "{% blocktranslate %}La username e' {{ u }}{% endblocktranslate %}\n"
        '<a aria-label="Torna alla pagina iniziale" href="/">x</a>',
        encoding="utf-8",
    )
    (tmp_path / "app" / "forms.py").write_text(
        'from django.utils.translation import gettext as _\nTOPONYMS = ["VIA", "LOCALITA\'"]\n'
        'LABEL = _("Data Attivazione")\n',
        encoding="utf-8",
    )
    checked, found = copycheck.report(tmp_path)
    text = "\n".join(found)
    assert checked >= 4
    for expected in ("una email", "Storico Pratiche", "e' per è", "pagina iniziale", "LOCALITA'"):
        assert expected in text, expected
    assert "Title Case" in text
    with pytest.raises(AssertionError):
        assert not found
    # …and the same files, corrected, pass.
    (folder / "done.html").write_text(
        '{% load i18n %}<p class="lead">{% translate "Ti abbiamo inviato un\'email." %}</p>\n'
        '<p>Vai a "Storico pratiche".</p>\n'
        "{% blocktranslate %}La username è {{ u }}{% endblocktranslate %}\n"
        '<a aria-label="Torna alla Home" href="/">x</a>',
        encoding="utf-8",
    )
    (tmp_path / "app" / "forms.py").write_text(
        'from django.utils.translation import gettext as _\nTOPONYMS = ["VIA", "LOCALITÀ"]\n'
        'LABEL = _("Data attivazione")\n',
        encoding="utf-8",
    )
    assert copycheck.report(tmp_path)[1] == []


# --- status sets: one case each -------------------------------------------------------------


def _status_sets():
    out, todo = [], list(models.TextChoices.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("portale.") and ".tests" not in cls.__module__:
            out.append(cls)
    return sorted(set(out), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _case_style(label: str) -> str | None:
    letters = [ch for ch in label if ch.isalpha()]
    if len(letters) < 2:
        return None
    return "upper" if all(ch.isupper() for ch in letters) else "sentence"


def mixed_case(labels) -> bool:
    styles = {_case_style(str(label)) for label in labels} - {None}
    return len(styles) > 1


def test_a_mixed_case_status_set_is_caught():
    assert mixed_case(["In elaborazione", "COMPLETATO", "ERRORE"])
    assert mixed_case(["ATTIVA", "In scorta", "BLOCCATA"])
    assert not mixed_case(["In elaborazione", "Completato", "Errore"])
    assert not mixed_case(["-", "IN ATTIVAZIONE", "DOMICILIATA"])


def test_every_status_set_has_one_case():
    apps.get_app_configs()  # every model module imported
    sets = [c for c in _status_sets() if c.__name__.endswith(("State", "Status"))]
    assert len(sets) > 10
    bad = [f"{c.__module__}.{c.__qualname__}: {list(map(str, c.labels))}" for c in sets]
    bad = [line for c, line in zip(sets, bad, strict=True) if mixed_case(c.labels)]
    assert not bad, "status sets in mixed case:\n" + "\n".join(bad)


# --- Django's wording where the project has its own -------------------------------------------


def test_django_defaults_speak_the_project_words():
    with translation.override("it"):
        field = forms.CharField()
        with pytest.raises(forms.ValidationError) as exc:
            field.clean("")
        assert exc.value.messages == ["Campo obbligatorio."]
        with pytest.raises(forms.ValidationError) as exc:
            forms.EmailField().clean("non-una-email")
        assert "indirizzo email" in exc.value.messages[0].lower()
        assert translation.pgettext("portal menu", "Home") == "Home"
        assert translation.gettext("Home") == "Home"
        assert translation.gettext("username") == "username"


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr of a simple .po file (no plurals or contexts, as the project's)."""
    import ast as _ast

    entries, key, current = {}, None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("msgid "):
            key, current = "id", {"id": _ast.literal_eval(line[6:]), "str": ""}
        elif line.startswith("msgstr "):
            key = "str"
            current["str"] = _ast.literal_eval(line[7:])
        elif line.startswith('"') and current is not None:
            current[key] += _ast.literal_eval(line)
        elif not line.strip() and current is not None:
            if current["id"]:
                entries[current["id"]] = current["str"]
            current = None
    return entries


def test_the_committed_catalogue_is_compiled_from_its_source():
    import gettext

    from django.conf import settings

    folder = Path(settings.LOCALE_PATHS[0]) / "it" / "LC_MESSAGES"
    entries = _po_entries(folder / "django.po")
    with (folder / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    assert entries and "This field is required." in entries
    for msgid, msgstr in entries.items():
        assert compiled.gettext(msgid) == msgstr, f"run msgfmt: {msgid!r}"


def test_background_exports_have_human_names():
    """ "Tipo richiesta" and the messages name an export, never its internal code."""
    from django.urls import get_resolver

    from portale.core.export_jobs import LISTS, kind_label

    get_resolver().url_patterns  # noqa: B018 - imports every view, hence every table
    assert LISTS
    for kind in LISTS:
        label = kind_label(kind)
        assert label and label != kind and " " in label, kind


@pytest.mark.django_db
def test_the_delete_page_names_the_export(client, roa, contract):
    from django.urls import reverse

    from portale.core.models import ExportJob

    job = ExportJob.objects.create(
        user=roa, contract=contract, kind="ConsistenzaDettaglioLinee", format="xlsx"
    )
    client.force_login(roa)
    body = client.get(reverse("inventory:export_delete", args=[job.pk])).content.decode()
    assert "ConsistenzaDettaglioLinee" not in body
    assert "Consistenze di dettaglio - Su linea" in body and ">ELIMINA<" in body
