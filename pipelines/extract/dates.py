"""Dates as pages write them, read into ISO 8601; never a guess.

:func:`parse_stamp` reads machine-readable values (``<meta>``, JSON-LD, ``<time datetime>``):
ISO 8601 and its common variants, RFC 2822, ``YYYYMMDD``.  :func:`find_text_dates` reads
dates written for people ("16. Oktober 2019", "October 16, 2019", "16/10/2019") in the
languages of :data:`MONTHS`.  :func:`url_date` reads ``/2019/10/16/``-style URL paths.
A value that is not a real calendar day, or outside :data:`YEARS`, is None; no function
here looks at the clock, so "today" can never become a page's date.

Every pattern is a plain sequence of bounded pieces: linear on any input.
"""

from __future__ import annotations

import re
from datetime import date

# The range of plausible publication years for the web (no clock: the upper bound is a constant).
YEARS = range(1995, 2100)
MAX_STAMP_CHARS = 80  # a machine-readable date longer than this is not one
MAX_TEXT_DATES = 40  # how many dates one piece of text may contribute

# Month names per language (full names and the common abbreviations), lower-cased.
# Evidence: the languages of the development sets (de, en, es, fr, pl, pt, it, nl; ru, uk).
_LATIN_MONTHS = (
    "january jan januar jänner janvier enero janeiro gennaio januari stycznia styczeń sty",
    "february feb februar feber février fevrier febrero fevereiro febbraio februari lutego luty lut",
    "march mar märz maerz mars marzo março marco maart marca marzec",
    "april apr avril abril aprile kwietnia kwiecień kwi",
    "may mai mayo maio maggio mei maja maj",
    "june jun juni juin junio junho giugno czerwca czerwiec cze",
    "july jul juli juillet julio julho luglio lipca lipiec lip",
    "august aug août aout agosto augustus sierpnia sierpień sie",
    "september sep sept septembre septiembre setembro settembre września wrzesień wrz",
    "october oct okt oktober octobre octubre outubro ottobre października październik paź",
    "november nov novembre noviembre novembro listopada listopad lis",
    "december dec dez dezember décembre decembre diciembre dezembro dicembre grudnia grudzień gru",
)
# Russian (genitive, then nominative) and Ukrainian (genitive): the cases dates are written in.
_CYRILLIC_MONTHS = (
    "января январь січня", "февраля февраль лютого", "марта март березня", "апреля апрель квітня",
    "мая май травня", "июня июнь червня", "июля июль липня", "августа август серпня",
    "сентября сентябрь вересня", "октября октябрь жовтня", "ноября ноябрь листопада", "декабря декабрь грудня",
)  # fmt: skip
MONTHS: dict[str, int] = {}
for _number, (_latin, _cyrillic) in enumerate(zip(_LATIN_MONTHS, _CYRILLIC_MONTHS, strict=True), start=1):
    for _name in f"{_latin} {_cyrillic}".split():
        MONTHS.setdefault(_name, _number)
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

_ISO = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ]{1,2}(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?\s?(Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?)?"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?(Z|[+-]\d{2}:?\d{2})?$")
_SLASHED_YMD = re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
_RFC2822 = re.compile(
    rf"(?:[a-z]{{3}},?\s)?(\d{{1,2}})\s({_MONTH_ALT})\.?\s(\d{{4}})(?:\s(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?"
    r"\s?(Z|GMT|UTC|[+-]\d{4})?)?",
    re.IGNORECASE,
)
# Dates written for people.  Day first: "16. Oktober 2019", "16 de octubre de 2019", "1er mars 2020".
_TEXT_DMY = re.compile(
    rf"(?<![\w.])(\d{{1,2}})(?:\.|er|st|nd|rd|th|º)?\s{{0,2}}(?:de\s)?({_MONTH_ALT})\.?,?\s{{0,2}}(?:de\s)?(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# Month first: "October 16, 2019", "Oct. 16th 2019".
_TEXT_MDY = re.compile(
    rf"(?<!\w)({_MONTH_ALT})\.?\s{{1,2}}(\d{{1,2}})(?:st|nd|rd|th)?,?\s{{1,2}}(\d{{4}})(?!\d)", re.IGNORECASE
)
# Numbers only: "16.10.2019", "16/10/2019", "10/16/2019", "2019-10-16", "2019/10/16".
# A comma may follow ("15.2.2018, 19:51"), but not a digit after it: "1.2.2018,5" is a number.
_TEXT_NUMERIC = re.compile(r"(?<![\d.,/])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[.,]\d)")
_TEXT_ISO = re.compile(r"(?<![\d/.-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?![\d])")
# URL paths: /2019/10/16/, /2019-10-16-, /20191016/ (the last only between separators).
# A day in its own path segment must end it: "/2023/10/3-fragen" is October and a slug.
_URL_YMD = re.compile(r"(?<!\d)(\d{4})[/_-](\d{1,2})(?:/(\d{1,2})(?=[/.?#]|$)|[_-](\d{1,2})(?!\d))")
_URL_COMPACT = re.compile(r"[/_-](\d{4})(\d{2})(\d{2})(?:[/_.-]|$)")
# Where a date in the text means the page's copyright, not its publication.
COPYRIGHT = re.compile(r"©|&copy;|\(c\)|copyright|all rights reserved|alle rechte|tous droits|derechos", re.IGNORECASE)


def _day(year: str | int, month: str | int, dom: str | int) -> date | None:
    try:
        found = date(int(year), int(month), int(dom))
    except ValueError:
        return None
    return found if found.year in YEARS else None


def _offset(zone: str | None) -> str:
    if not zone:
        return ""
    zone = zone.upper()
    if zone in ("Z", "UTC", "GMT"):
        return "Z" if zone == "Z" else "+00:00"
    digits = zone[1:].replace(":", "")
    if len(digits) == 2:
        digits += "00"
    hours, minutes = int(digits[:2]), int(digits[2:4])
    if hours > 14 or minutes > 59:
        return ""
    return f"{zone[0]}{hours:02d}:{minutes:02d}"


def _stamp(day: date, hour: str | None, minute: str | None, second: str | None, zone: str | None) -> str:
    if hour is None or minute is None or int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        return day.isoformat()
    clock = f"{int(hour):02d}:{int(minute):02d}:{int(second or 0):02d}"
    return f"{day.isoformat()}T{clock}{_offset(zone)}"


def parse_stamp(value: str) -> str | None:
    """A machine-readable date or date-time as ISO 8601 (``YYYY-MM-DD[THH:MM:SS[offset]]``), or None."""
    value = value.strip()
    if not value or len(value) > MAX_STAMP_CHARS:
        return None
    if found := _ISO.search(value):
        year, month, dom, hour, minute, second, zone = found.groups()
        day = _day(year, month, dom)
        return _stamp(day, hour, minute, second, zone) if day else None
    if found := _COMPACT.match(value):
        year, month, dom, hour, minute, second, zone = found.groups()
        day = _day(year, month, dom)
        return _stamp(day, hour, minute, second, zone) if day else None
    if found := _RFC2822.search(value):
        dom, month_name, year, hour, minute, second, zone = found.groups()
        day = _day(year, MONTHS[month_name.lower()], dom)
        return _stamp(day, hour, minute, second, zone) if day else None
    if found := _SLASHED_YMD.search(value):
        day = _day(*found.groups())
        return day.isoformat() if day else None
    dates = find_text_dates(value, None)
    return dates[0] if dates else None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def find_text_dates(text: str, language: str | None) -> list[str]:
    """Dates written in ``text`` (``YYYY-MM-DD`` each), in order of appearance.

    A numeric date with both numbers <= 12 ("04/05/2019") is read month-first only on
    English pages, day-first elsewhere; it is dropped when the language is unknown.
    """
    found: list[tuple[int, date]] = []
    for match in _TEXT_DMY.finditer(text):
        day = _day(match.group(3), MONTHS[match.group(2).lower()], match.group(1))
        if day:
            found.append((match.start(), day))
    for match in _TEXT_MDY.finditer(text):
        day = _day(match.group(3), MONTHS[match.group(1).lower()], match.group(2))
        if day:
            found.append((match.start(), day))
    for match in _TEXT_ISO.finditer(text):
        day = _day(match.group(1), match.group(3), match.group(4))
        if day:
            found.append((match.start(), day))
    for match in _TEXT_NUMERIC.finditer(text):
        first, sep, second, year_text = match.groups()
        if len(year_text) == 2 and sep != ".":
            continue
        a, b, year = int(first), int(second), _year(year_text)
        if a > 12 or (b <= 12 and language not in ("en", None)) or sep == ".":
            day = _day(year, b, a)
        elif b > 12 or language == "en":
            day = _day(year, a, b)
        else:
            day = None
        if day:
            found.append((match.start(), day))
        if len(found) >= MAX_TEXT_DATES * 4:
            break
    found.sort(key=lambda item: item[0])
    return [d.isoformat() for _, d in found[:MAX_TEXT_DATES]]


def url_date(url: str | None) -> str | None:
    """The day a URL's path names (``/2019/10/16/``), or None; a year and month alone are not a day."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    for pattern in (_URL_YMD, _URL_COMPACT):
        for match in pattern.finditer(path):
            year, month, *doms = match.groups()
            day = _day(year, month, next(d for d in doms if d))
            if day:
                return day.isoformat()
    return None
