"""Author names: cleaning declared values and reading visible bylines.

A byline is an element the page marks as one (``rel="author"``, a class or id naming
the author or byline, a link into an ``/author/`` path); its text loses the "By" / "Von"
/ "Por" / "Par" lead, dates and roles, and is split into names.  A value that is a URL,
a handle, a sentence or a date is no name.
"""

from __future__ import annotations

import re

from lxml import etree

from pipelines.extract.structured import visible_lines
from pipelines.extract.zones import in_chrome_zone

MAX_NAME_CHARS = 60
MAX_NAME_WORDS = 6
MAX_AUTHORS = 10
MAX_BYLINE_CHARS = 200
MAX_CANDIDATES = 60
# Words that may stand before the lead word ("Posted by", "View all posts by", "Veröffentlicht von").
_PRE_LEAD = (
    r"(?:(?:written|posted|post|published|reported|story|text|words|interview|author|recipe|view|see|all|posts|"
    r"articles|stories|more|read|veröffentlicht|erstellt|geschrieben|verfasst|publiziert|beitrag|beiträge|artikel|"
    r"zeige|alle|weitere|mehr|publicado|escrito|publié|écrit|rédigé|articolo|scritto|pubblicato|geplaatst|"
    r"geschreven|opublikowano|napisane)\s+){0,4}"
)
# The words that lead a byline in the development sets' languages (en, de, es, fr, pt, pl, it, nl).
_LEAD = re.compile(
    rf"^(?:©\s*)?(?:{_PRE_LEAD}(?:by|von|vom|por|par|door|przez)|de|di|autor(?:in|en)?|authors?|autore|auteur|"
    r"verfasser(?:in)?|text|texto|interview|more\s+about)(?:\s*[:\-–]\s*|\s+|$)",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^(?:autor(?:in)?|author|autore|auteur|verfasser(?:in)?|text|texto|by)\s*:\s*", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:;|\||/|&|,|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bi\b|\bsowie\b)\s*", re.IGNORECASE)
# A line of a byline that only joins two names.
_CONNECTOR = re.compile(r"^(?:[,;&/|]|and|und|et|y|e|i|sowie|with|mit|con|avec)$", re.IGNORECASE)
_ENDS_JOINED = re.compile(r"(?:[,;&/]|\s(?:and|und|et|y|sowie))$", re.IGNORECASE)
# Where a byline's names end: a date, a time, "updated", a role or "for <outlet>".
_TAIL = re.compile(
    r"\s(?:(?:on|am|le|el|il|op|vom|du|del|updated|last|aktualisiert|veröffentlicht|publié|publicado|pubblicato|"
    r"for|für|pour|para|per)\b|\d{1,4}[./:-]|\d{1,2}\s)|\s[-–—|•·]\s|\s\(",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"https?:|www\.|@|\.(?:com|de|org|net)\b|\d{3,}|^(?:admin|administrator|webmaster|wordpressadmin|super user|"
    r"anonymous|unknown|guest|none|null|undefined|no author|publisher|the author|by|von|author|autor|posted|"
    r"written by|veröffentlicht|publiziert|publicado|por|par|follow|folgen)$",
    re.IGNORECASE,
)
# A credit that names someone other than the writer: reviewer, updater, photographer.
_OTHER_CREDIT = re.compile(
    r"^(?:(?:medically\s+|fact[- ]checked\s+)?reviewed|updated|edited|geprüft|aktualisiert|photos?|fotos?|bild|"
    r"illustration)\b",
    re.IGNORECASE,
)
# Roles and desks that follow names in bylines ("Jane Doe, Culture desk"), in the sets' languages.
_ROLE = re.compile(
    r"\b(?:desk|editor|editors|reporter|correspondent|writer|staff|contributor|columnist|photographer|journalist|"
    r"founder|ceo|vp|director|manager|coordinator|consultant|expert|"
    r"redakteur(?:in)?|chefredakteur(?:in)?|redaktion|korrespondent(?:in)?|reporter(?:in)?|mitarbeiter(?:in)?|"
    r"rédaction|rédacteur|rédactrice|envoyé|redacción|redactor|redactora|corresponsal|periodista)\b",
    re.IGNORECASE,
)
# Words that end a name run without being part of it: dates' month and weekday words, "ago", "follow".
_STOP_WORDS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december mon tue wed thu fri sat sun monday tuesday wednesday thursday friday "
    "saturday sunday januar februar märz mai juni juli oktober dezember mo di mi do fr sa so montag dienstag "
    "mittwoch donnerstag freitag samstag sonntag enero febrero marzo abril mayo junio julio agosto septiembre "
    "octubre noviembre diciembre janvier février mars avril juin juillet août septembre octobre novembre "
    "décembre hace vor stand follow folgen ago updated share teilen".split()
)
_ARTICLES = frozenset("the a an der die das le la les el los las il lo".split())
_PARTICLES = frozenset("van von der den de del della di da du la le ten ter zu y e".split())
_ORGANISATION = re.compile(
    r"\b(?:official|team|staff|group|inc|llc|ltd|gmbh|ag|kg|corp|corporation|company|co|media|news|online|"
    r"magazine?|verlag|foundation|stiftung|institute?|institut|association|verein|solutions|services|"
    r"consulting|studio|shop|store|blog|redaktion|pc|amt|ministerium|bund|verband)\b",
    re.IGNORECASE,
)
_BYLINE_NAMES = re.compile(r"(?:^|[\s_-])(?:byline|author|autor|auteur|writer|byl)(?:$|[\s_-]|name)", re.IGNORECASE)
_BYLINE_EXCLUDE = re.compile(r"bio|about|avatar|image|img|photo|description|box|more|posts|social", re.IGNORECASE)


def looks_like_person(name: str) -> bool:
    """Two to four capitalised words ("Jane van der Berg", "J. R. Stone"): a person's name by its shape,
    not a handle ("janedoe"), a brand ("GitHub", "USA TODAY") or an organisation ("Kneib Dentistry PC")."""
    words = name.split()
    if not words or words[0].casefold() in _ARTICLES:  # "The Economist", "Die Zeit"
        return False
    capitalised = [w for w in words if w.casefold() not in _PARTICLES]
    if not 2 <= len(capitalised) <= 4 or _ORGANISATION.search(name):
        return False
    return all(w[0].isupper() and (len(w) <= 2 or not w.isupper()) for w in capitalised)


def _trim(part: str) -> str:
    """``part`` without trailing date words ("Jane Doe Dec") and without a doubled name ("Jo Roe Jo Roe")."""
    words = part.split()
    while words and words[-1].strip(".,").casefold() in _STOP_WORDS:
        words.pop()
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        words = words[:half]
    return " ".join(words)


def _name(part: str, allow_role: bool) -> str | None:
    part = _trim(part.strip(" \t\n.,:;-–—|•·\"'()[]©"))
    if not part or len(part) > MAX_NAME_CHARS or len(part.split()) > MAX_NAME_WORDS:
        return None
    if _NOT_A_NAME.search(part) or _OTHER_CREDIT.match(part) or not any(c.isalpha() for c in part):
        return None
    if not allow_role and _ROLE.search(part):
        return None
    if any(c.isdigit() for c in part):  # a date or a count, not a name ("Feb 11")
        return None
    if part.isupper() and len(part) <= 4 and " " not in part:  # credentials ("MS", "RD")
        return None
    return part


def _value_names(raw: str, allow_role: bool) -> list[str]:
    """Names in one author value; a role-only value ("Staff Writer") counts only when ``allow_role``."""
    text = " ".join(raw.split())
    if len(text) > MAX_BYLINE_CHARS or text.startswith(("http://", "https://", "@")):
        return []
    text = _LABEL.sub("", _LEAD.sub("", text))
    tail = _TAIL.search(text)
    if tail:
        text = text[: tail.start()]
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    names = [n for n in (_name(p, allow_role=False) for p in parts) if n]
    if not names and allow_role and len(parts) == 1:
        named = _name(parts[0], allow_role=True)
        names = [named] if named else []
    return names


def clean_authors(values: list[str], allow_role: bool = True) -> tuple[str, ...]:
    """Names from declared author values ("By Jane Doe and John Roe"), deduplicated, in order."""
    names: list[str] = []
    for raw in values:
        for name in _value_names(raw, allow_role):
            if name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
    return tuple(names[:MAX_AUTHORS])


def _byline_names(lines: list[str]) -> tuple[str, ...]:
    """Names in a byline's text nodes: the first name, then only names a connector joins to it.

    "By" / "Jane Doe" / "and" / "John Roe" / "March 3" gives two names; "Jane Doe" / "Senior
    Editor" or "Jane Doe" / "Gardener, Astrologer" gives one: what follows a name without
    an "and" or a comma is a role, a date or a caption.
    """
    names: list[str] = []
    joined = False
    for line in lines:
        if _CONNECTOR.match(line):
            joined = True
            continue
        found = _value_names(line, allow_role=not names)
        if not found:
            if names:
                break
            continue
        if names and not joined:
            break
        names += [n for n in found if n.casefold() not in {m.casefold() for m in names}]
        joined = bool(_ENDS_JOINED.search(line))
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
        text = visible_lines(el, MAX_BYLINE_CHARS)
        if not text:
            continue
        names = _byline_names(text.split("\n"))
        if names:
            return names
    return ()
