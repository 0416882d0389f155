"""Author names: cleaning declared values and reading visible bylines.

A byline is an element the page marks as one (``rel="author"``, a class or id naming
the author or byline, a link into an ``/author/`` path); its text loses the "By" / "Von"
/ "Por" / "Par" lead, dates and roles, and is split into names.  A value that is a URL,
a handle, a sentence or a date is no name.
"""

from __future__ import annotations

import re

from lxml import etree

from pipelines.extract.structured import visible_text
from pipelines.extract.zones import in_chrome_zone

MAX_NAME_CHARS = 60
MAX_NAME_WORDS = 6
MAX_AUTHORS = 10
MAX_BYLINE_CHARS = 200
MAX_CANDIDATES = 60
# The words that lead a byline in the development sets' languages (en, de, es, fr, pt, pl, it, nl).
_LEAD = re.compile(
    r"^(?:(?:written|posted|published|reported|story|text|words|photos?|interview|edited)\s+)?"
    r"(?:by|von|por|par|de|di|door|przez|autor(?:in)?|author|autore|auteur|verfasser(?:in)?|text|texto)"
    r"(?:\s*[:\-–]\s*|\s+)",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^(?:autor(?:in)?|author|autore|auteur|verfasser(?:in)?|text|texto|by)\s*:\s*", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:;|\||/|&|,|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bi\b|\bsowie\b)\s*", re.IGNORECASE)
# Where a byline's names end: a date, a time, "updated", a role or "for <outlet>".
_TAIL = re.compile(
    r"\s(?:(?:on|am|le|el|il|op|vom|du|del|updated|last|aktualisiert|veröffentlicht|publié|publicado|pubblicato|"
    r"for|für|pour|para|per)\b|\d{1,4}[./:-]|\d{1,2}\s)|\s[-–—|•·]\s|\s\(",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"https?:|www\.|@|\.(?:com|de|org|net)\b|\d{3,}|^(?:admin|administrator|redaktion|editor|staff|team|"
    r"anonymous|unknown|guest|none|null|by|von|author|autor)$",
    re.IGNORECASE,
)
# Roles and desks that follow names in bylines ("Jane Doe, Culture desk"), in the sets' languages.
_ROLE = re.compile(
    r"\b(?:desk|editor|editors|reporter|correspondent|writer|staff|contributor|columnist|photographer|journalist|"
    r"redakteur(?:in)?|redaktion|korrespondent(?:in)?|reporter(?:in)?|mitarbeiter(?:in)?|"
    r"rédaction|rédacteur|rédactrice|envoyé|redacción|redactor|redactora|corresponsal|periodista)\b",
    re.IGNORECASE,
)
_BYLINE_NAMES = re.compile(r"(?:^|[\s_-])(?:byline|author|autor|auteur|writer|byl)(?:$|[\s_-]|name)", re.IGNORECASE)
_BYLINE_EXCLUDE = re.compile(r"bio|about|avatar|image|img|photo|description|box|more|posts|social", re.IGNORECASE)


def _name(part: str) -> str | None:
    part = part.strip(" \t\n.,:;-–—|•·\"'()[]")
    if not part or len(part) > MAX_NAME_CHARS or len(part.split()) > MAX_NAME_WORDS:
        return None
    if _NOT_A_NAME.search(part) or _ROLE.search(part) or not any(c.isalpha() for c in part):
        return None
    if any(c.isdigit() for c in part):  # a date or a count, not a name ("Feb 11")
        return None
    if part.isupper() and len(part) <= 4 and " " not in part:  # credentials ("MS", "RD")
        return None
    return part


def clean_authors(values: list[str]) -> tuple[str, ...]:
    """Names from declared author values ("By Jane Doe and John Roe"), deduplicated, in order."""
    names: list[str] = []
    for raw in values:
        text = " ".join(raw.split())
        if len(text) > MAX_BYLINE_CHARS or text.startswith(("http://", "https://", "@")):
            continue
        text = _LABEL.sub("", _LEAD.sub("", text))
        tail = _TAIL.search(text)
        if tail:
            text = text[: tail.start()]
        for part in _SPLIT.split(text):
            name = _name(part)
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
    return tuple(names[:MAX_AUTHORS])


def _candidates(root: etree._Element) -> list[etree._Element]:
    found: list[etree._Element] = list(root.iterfind(".//a[@rel='author']"))
    found += root.iterfind(".//*[@rel='author']")
    for el in root.iter("a", "span", "div", "p", "address", "li", "strong", "b", "em"):
        if len(found) >= MAX_CANDIDATES:
            break
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        href = str(el.get("href") or "")
        if (_BYLINE_NAMES.search(names) and not _BYLINE_EXCLUDE.search(names)) or (
            el.tag == "a" and ("/author/" in href or "/autor/" in href or "/autoren/" in href)
        ):
            found.append(el)
    return found


def byline_authors(root: etree._Element, headline: frozenset[etree._Element]) -> tuple[str, ...]:
    """Names in the first visible byline outside comments, footers and related-story lists."""
    for el in _candidates(root):
        if in_chrome_zone(el, headline):
            continue
        text = visible_text(el, " ")
        if not text or len(text) > MAX_BYLINE_CHARS:
            continue
        names = clean_authors([text])
        if names:
            return names
    return ()
