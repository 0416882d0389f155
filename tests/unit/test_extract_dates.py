"""Date parsing: machine stamps, dates written for people in several languages, URL paths."""

from __future__ import annotations

import pytest

from pipelines.extract.bylines import clean_authors
from pipelines.extract.dates import find_text_dates, parse_stamp, url_date


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("2019-10-16", "2019-10-16"),
        ("2019-10-16T08:05:00+02:00", "2019-10-16T08:05:00+02:00"),
        ("2019-10-16T08:05:00.123Z", "2019-10-16T08:05:00Z"),
        ("2019-10-16 08:05", "2019-10-16T08:05:00"),
        ("2019-10-16T08:05:00+0200", "2019-10-16T08:05:00+02:00"),
        ("20191016", "2019-10-16"),
        ("Wed, 16 Oct 2019 08:05:00 GMT", "2019-10-16T08:05:00+00:00"),
        ("2019/10/16", "2019-10-16"),
        ("16. Oktober 2019", "2019-10-16"),
        ("2019-02-30", None),
        ("1880-01-01", None),
        ("yesterday", None),
        ("", None),
        ("9" * 500, None),
    ],
)
def test_parse_stamp(raw: str, want: str | None) -> None:
    assert parse_stamp(raw) == want


@pytest.mark.parametrize(
    ("text", "language", "want"),
    [
        ("Veröffentlicht am 16. Oktober 2019 um 10 Uhr", "de", ["2019-10-16"]),
        ("Publié le 1er mars 2020", "fr", ["2020-03-01"]),
        ("Publicado el 5 de junio de 2018", "es", ["2018-06-05"]),
        ("Posted October 16th, 2019", "en", ["2019-10-16"]),
        ("16.10.2019", None, ["2019-10-16"]),
        ("10/16/2019", None, ["2019-10-16"]),
        ("04/05/2019", "en", ["2019-04-05"]),
        ("04/05/2019", "de", ["2019-05-04"]),
        ("04/05/2019", None, []),
        ("version 1.2.2019 and 3.14.15", None, ["2019-02-01"]),
        ("no date here at all", "en", []),
    ],
)
def test_find_text_dates(text: str, language: str | None, want: list[str]) -> None:
    assert find_text_dates(text, language) == want


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://news.test/2019/10/16/story", "2019-10-16"),
        ("https://news.test/story-2019-10-16.html", "2019-10-16"),
        ("https://news.test/archive/20191016/story", "2019-10-16"),
        ("https://news.test/2019/10/story", None),
        ("https://news.test/item/12345678901", None),
        ("https://news.test/story?date=2019-10-16", None),
        (None, None),
    ],
)
def test_url_date(url: str | None, want: str | None) -> None:
    assert url_date(url) == want


@pytest.mark.parametrize(
    ("values", "want"),
    [
        (["By Jane Doe and John Roe"], ("Jane Doe", "John Roe")),
        (["Von Anna Berger | 16.10.2019"], ("Anna Berger",)),
        (["Por Lucía Fernández y Jorge Ruiz"], ("Lucía Fernández", "Jorge Ruiz")),
        (["Dylan Bailey, MS, RD"], ("Dylan Bailey",)),
        (["https://facebook.com/someone", "@handle"], ()),
        (["Jane Doe", "jane doe"], ("Jane Doe",)),
        (["This is a whole sentence about something that is not a name at all"], ()),
    ],
)
def test_clean_authors(values: list[str], want: tuple[str, ...]) -> None:
    assert clean_authors(values) == want
