"""The publication date's choice among its evidence: URL, declared stamps put to a vote, visible dates, last resorts."""

from __future__ import annotations

import pytest

from pipelines.extract.dates import find_text_dates, url_date
from pipelines.models import MetadataField
from pipelines.models import MetadataSource as Src
from tests.support.date_pages import page, published


def ld(stamp: str, kind: str = "NewsArticle") -> str:
    return f'<script type="application/ld+json">{{"@type": "{kind}", "datePublished": "{stamp}"}}</script>'


def test_a_day_in_the_url_beats_a_declared_stamp_of_another_day() -> None:
    found = published(page(ld("2021-06-01T10:00:00Z")), "https://news.test/2019/10/16/river-path")
    assert (found.value, found.source) == ("2019-10-16", Src.URL)


def test_a_declared_stamp_of_the_urls_day_is_given_for_its_time() -> None:
    found = published(page(ld("2019-10-16T08:05:00+02:00")), "https://news.test/2019/10/16/river-path")
    assert (found.value, found.source) == ("2019-10-16T08:05:00+02:00", Src.JSON_LD)


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://blog.test/2023/10/3-fragen-an-tina/", None),  # October, then a slug that starts with a number
        ("https://blog.test/2023/10/03/fragen/", "2023-10-03"),
        ("https://blog.test/2023/10/3", "2023-10-03"),
        ("https://blog.test/2023-10-03-fragen", "2023-10-03"),
    ],
)
def test_a_url_day_in_its_own_segment_must_end_it(url: str, want: str | None) -> None:
    assert url_date(url) == want


def test_a_stale_json_ld_stamp_is_outvoted_by_meta_and_the_dateline() -> None:
    head = ld("2021-03-16T16:16:10Z") + '<meta name="date" content="2021-03-20T15:00:00+01:00">'
    body = '<h1>Lockdown extended</h1><p class="date-time">20. März 2021 - 15:00 Uhr</p>'
    found = published(page(head, body, "de"))
    assert (found.value, found.source) == ("2021-03-20T15:00:00+01:00", Src.META)


def test_the_first_declared_stamp_wins_against_a_single_other_voice() -> None:
    body = "<h1>Lockdown extended</h1><p>Zuletzt gezeigt am 22. März 2021</p>"  # next to the headline: one place
    found = published(page(ld("2021-03-20T15:00:00+01:00"), body, "de"))
    assert (found.value, found.source) == ("2021-03-20T15:00:00+01:00", Src.JSON_LD)


def test_two_visible_voices_outvote_a_lone_declared_stamp() -> None:
    body = (
        '<h1>Lockdown extended</h1><p>Veröffentlicht am 20.03.2021</p><time datetime="2021-03-20T15:00:00+01:00">'
        "20. März</time>"
    )
    found = published(page(ld("2021-03-16"), body, "de"))
    assert found.value == "2021-03-20"
    assert found.source is Src.TEXT


def test_last_resort_a_time_element_in_a_sidebar() -> None:
    body = '<div class="sidebar"><time datetime="2022-01-28">28.01.2022</time></div><h1>Ruster Ausbruch</h1>'
    found = published(page(body=body, lang="de"))
    assert (found.value, found.source) == ("2022-01-28", Src.TIME)


def test_last_resort_the_first_written_date_but_never_the_copyright_line() -> None:
    body = (
        '<div class="teaser-list"><div class="teaser-text">10.11.2021</div></div><h1>Menschenrechte achten</h1>'
        '<div class="footer-note">© 09.11.2020 Verband</div>'
    )
    found = published(page(body=body, lang="de"))
    assert (found.value, found.source) == ("2021-11-10", Src.TEXT)
    only_copyright = page(body='<h1>Menschenrechte achten</h1><p class="x">© 09.11.2020 Verband</p>', lang="de")
    assert published(only_copyright) == MetadataField()


@pytest.mark.parametrize(("lang", "want"), [("en-GB", "2020-10-02"), ("en-US", "2020-02-10"), ("en", "2020-02-10")])
def test_english_outside_the_us_reads_numeric_dates_day_first(lang: str, want: str) -> None:
    body = '<h1>Halls too full</h1><p class="byline">02/10/2020</p>'
    assert published(page(body=body, lang=lang)).value == want


def test_russian_and_ukrainian_month_names() -> None:
    assert find_text_dates("15 августа 2016, 13:43", None) == ["2016-08-15"]
    assert find_text_dates("3 листопада 2020", None) == ["2020-11-03"]


def test_a_date_inside_the_headline_element() -> None:
    body = "<h1>Zuschauer kehren zurück <small>02.02.2022</small></h1>"
    found = published(page(body=body, lang="de"))
    assert (found.value, found.source) == ("2022-02-02", Src.TEXT)


def test_json_ld_of_another_creative_work_dates_the_page() -> None:
    found = published(page(ld("2022-01-10T09:00:00+01:00", "HowTo")))
    assert (found.value, found.source) == ("2022-01-10T09:00:00+01:00", Src.JSON_LD)
