"""The copy style sheet's mechanical rules (docs/COPY.md), over every user-facing string.

``user_strings()`` finds what a person reads: the gettext strings of the Python modules
(``_()``, ``gettext_lazy``, ``ngettext``, ``pgettext``…, the SMS and e-mail texts included),
the ``translate``/``blocktranslate`` strings of the templates, and the literal text of the
templates (PDFs and e-mails are templates too) with its ``aria-label``/``title``/``alt``/
``placeholder`` attributes. ``faults(text)`` lists what the style sheet forbids in one string.
``portale/core/tests/test_copy.py`` fails on any fault; ``python -m portale.core.copycheck``
prints them (and the number of strings checked).

The rules are the mechanical ones only (grammar slips, apostrophes for accents, forbidden
glossary terms); tone and clarity are for the review.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the ``portale`` package
GETTEXT_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "_lazy",
}
CONTEXT_CALLS = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    advice: str
    # Grammar slips are looked for in every string literal of the code too (SMS texts built
    # with f-strings, choice lists), not only in gettext strings and templates.
    everywhere: bool = False


def _rule(name: str, pattern: str, advice: str, flags: int = 0, everywhere=False) -> Rule:
    return Rule(name, re.compile(pattern, flags), advice, everywhere)


# One line a rule: what is wrong and what to write instead (docs/COPY.md).
RULES: list[Rule] = [
    _rule("una email", r"\buna\s+e-?mail\b", 'scrivi "un\'email"', re.I, everywhere=True),
    _rule("e' per è", r"(?<![\w'’])[Ee]'(?=\s|$)", 'scrivi "è" (maiuscolo "È")', everywhere=True),
    _rule(
        "apostrofo per accento",
        r"\b(?:[A-Z]{2,}[AEIOU]|(?:pi|perch|po|gi|cos|per|citt|localit|attivit|modalit|"
        r"qualit|velocit|identit|validit|finch|poich|ne|sar|potr|dovr)[aeiou]?)'(?=[\s\"”.,;:)!?]|$)",
        'usa la lettera accentata ("LOCALITÀ", "più", "perché")',
        everywhere=True,
    ),
    _rule(
        "Lei",
        r"\b(?:Le inviamo|La preghiamo|La invitiamo|La informiamo|Gentile Referente)\b",
        'si dà del "tu": "ti inviamo", "Gentile <nome>,"',
        everywhere=True,
    ),
    _rule("puntini dopo ecc.", r"\becc\.\.", 'scrivi "ecc." (o togli l\'elenco aperto)'),
    _rule("N senza °", r"\bN\s+(?:pratica|ordine|fattura|linea|record)\b", 'scrivi "N°"'),
    _rule("virgolette", r"[«»“”]", 'solo virgolette doppie diritte "…"'),
    _rule("parola ripetuta", r"\b([A-Za-zÀ-ÿ]{4,})\s+\1\b", "togli la parola ripetuta", re.I),
    # Glossary (docs/COPY.md §7): one term per concept.
    _rule(
        "Storico Pratiche",
        r"\bStorico (?:Pratiche|Ordini)\b",
        '"Storico pratiche", "Storico ordini"',
    ),
    _rule("pagina iniziale", r"\b(?:[Pp]agina iniziale|pagina di [Bb]envenuto)\b", '"Home"'),
    _rule(
        "nome del ROA",
        r"\b(?:Referente dell'Amministrazione|[Rr]eferente ROA/Master|Referente ROA)\b",
        '"ROA" (in elenco: "Master", come nei sistemi)',
    ),
    _rule("Numero Mobile", r"\bNumero Mobile\b|\bnumerazione mobile\b", '"Numero mobile"'),
    _rule("login", r"\beffettuare il login\b|\bfare login\b", '"accedere"', re.I),
    _rule(
        "in background",
        r"\bin background\b",
        '"in preparazione" / "ti avvisiamo quando è pronto"',
        re.I,
    ),
    _rule("saluto", r"\bGentile cliente\b", '"Gentile <nome>" o "Gentile utente"', re.I),
    _rule(
        "maschile generico",
        r"\bSei stat[oa] registrat[oa]\b|\bnon sei stat[oa] tu\b|\bsei sicuro\b",
        'forme neutre: "La registrazione è completata", "Se non hai fatto tu la richiesta", "Vuoi…?"',
        re.I,
    ),
    _rule(
        "Title Case",
        r"\b(?:Email Confermata|Recupera Username|Data Attivazione|Data Cessazione|Numero Linea)\b",
        "maiuscola solo alla prima parola",
    ),
    _rule("OTP", r"\bOTP\b", '"codice temporaneo"'),
    _rule(
        "Respingi", r"\b(?:Respingi|RESPINGI|respinta)\b", '"Scarta" / "scartata" (stato Scartato)'
    ),
    _rule("CANCELLA", r"\bCANCELLA\b|\bCancella\b", '"ELIMINA" / "Elimina"'),
]


def faults(text: str, *, literal: bool = False) -> list[str]:
    """The rules ``text`` breaks, as "rule: advice" lines (``literal``: a code string that
    may not be user-facing, checked for grammar slips only)."""
    return [
        f"{r.name}: {r.advice}"
        for r in RULES
        if (r.everywhere or not literal) and r.pattern.search(text)
    ]


# --- where the strings are -------------------------------------------------------------------

_TRANSLATE = re.compile(r"{%\s*(?:translate|trans)\s+(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')")
_BLOCK = re.compile(r"{%\s*blocktrans(?:late)?\b[^%]*%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S)
_PLURAL = re.compile(r"{%\s*plural\s*%}")
_COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_ATTR = re.compile(r"\b(?:aria-label|title|alt|placeholder)=\"([^\"{]*[A-Za-zÀ-ÿ][^\"{]*)\"")
_HTML = re.compile(r"<[^>]*>")


def template_strings(text: str) -> Iterator[str]:
    text = _COMMENT.sub(" ", text)
    for m in _TRANSLATE.finditer(text):
        yield m.group(1)[1:-1]
    for m in _BLOCK.finditer(text):
        yield from (_TAG.sub("…", part).strip() for part in _PLURAL.split(m.group(1)))
    literal = _SCRIPT.sub(" ", _BLOCK.sub(" ", text))
    literal = _TAG.sub(" ", literal)
    for m in _ATTR.finditer(literal):
        yield m.group(1)
    for chunk in _HTML.split(literal):
        chunk = " ".join(chunk.split())
        if re.search(r"[A-Za-zÀ-ÿ]{2,}", chunk):
            yield chunk


def _constant(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant(node.left), _constant(node.right)
        return left + right if left is not None and right is not None else None
    return None


def python_strings(source: str) -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name not in GETTEXT_CALLS:
            continue
        args = node.args[1:] if name in CONTEXT_CALLS else node.args
        for arg in args:
            value = _constant(arg)
            if value:
                yield value


def python_literals(source: str) -> Iterator[str]:
    """Every string literal of a module but its docstrings (f-string parts included)."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and id(node) not in docstrings:
            yield node.value


def _skip(path: Path) -> bool:
    parts = set(path.relative_to(ROOT).parts)
    return bool(parts & {"tests", "migrations", "node_modules"}) or path.name == "copycheck.py"


def user_strings(root: Path = ROOT) -> Iterator[tuple[str, str]]:
    """(where, text) for every user-facing string under ``root``."""
    for path in sorted(root.rglob("*")):
        if not path.is_file() or (root == ROOT and _skip(path)):
            continue
        where = str(path.relative_to(root))
        if path.suffix == ".py":
            texts = python_strings(path.read_text(encoding="utf-8"))
        elif path.suffix in {".html", ".txt"} and "templates" in path.parts:
            texts = template_strings(path.read_text(encoding="utf-8"))
        else:
            continue
        for text in texts:
            yield where, text


def code_literals(root: Path = ROOT) -> Iterator[tuple[str, str]]:
    """(where, text) for the other string literals of the code (grammar rules only)."""
    for path in sorted(root.rglob("*.py")):
        if root == ROOT and _skip(path):
            continue
        where = str(path.relative_to(root))
        for text in python_literals(path.read_text(encoding="utf-8")):
            yield where, text


def report(root: Path = ROOT) -> tuple[int, list[str]]:
    """(user-facing strings checked, "where: text → fault" lines)."""
    count, found = 0, []
    for where, text in user_strings(root):
        count += 1
        for fault in faults(text):
            found.append(f"{where}: {text[:100]!r} → {fault}")
    seen = set(found)
    for where, text in code_literals(root):
        for fault in faults(text, literal=True):
            line = f"{where}: {text[:100]!r} → {fault}"
            if line not in seen:
                seen.add(line)
                found.append(line)
    return count, found


if __name__ == "__main__":
    checked, found = report()
    print("\n".join(found))
    print(f"{checked} strings checked, {len(found)} faults")
