"""Publication dates around labels and less common markup: update labels, h1 sublines, meta spellings, hAtom."""

from __future__ import annotations

import pytest

from pipelines.extract.dates import find_text_dates
from pipelines.models import MetadataSource as Src
from tests.support.date_pages import page, published


def test_a_date_after_an_update_label_in_its_own_element_is_not_the_publication() -> None:
    body = (
        "<h1>River path reopens</h1><div><span>By Jo Rivers</span><span>Last updated on</span>"
        "<span>March 12, 2026</span></div><p>Filed <span>March 2, 2024</span></p>"
    )
    found = published(page(body=body))
    assert (found.value, found.source) == ("2024-03-02", Src.TEXT)


def test_a_date_after_a_long_line_naming_an_update_still_counts() -> None:
    # Only a short line is a label; prose that mentions an update does not hide the next line's date.
    sentence = "The plans were updated twice after the first hearing of the council in the town hall"
    body = f"<h1>River path reopens</h1><p>{sentence}</p><p>March 2, 2024</p>"
    assert published(page(body=body)).value == "2024-03-02"


def test_a_time_element_after_an_updated_label_is_skipped() -> None:
    body = (
        '<h1>River path reopens</h1><p>Updated: <time datetime="2026-03-12T10:00:00Z">12 March</time></p>'
        '<p>Published: <time datetime="2024-03-02T09:00:00Z">2 March</time></p>'
    )
    found = published(page(body=body))
    assert (found.value, found.source) == ("2024-03-02T09:00:00Z", Src.TIME)


def test_a_subline_inside_the_headline_comes_before_dates_after_it() -> None:
    body = (
        "<h1>Zuschauer kehren zurück<br><small>02.02.2022</small></h1>"
        "<p>Die Clubs hatten am 28.01.2022 darauf gehofft.</p>"
    )
    found = published(page(body=body, lang="de"))
    assert (found.value, found.source) == ("2022-02-02", Src.TEXT)


def test_a_date_in_the_headline_words_comes_after_the_dateline() -> None:
    body = "<h1>Wahl am 24.09.2017</h1><p>Berlin, 01.08.2017</p>"
    assert published(page(body=body, lang="de")).value == "2017-08-01"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Donnerstag, 15.2.2018, 19:51", ["2018-02-15"]),
        ("am 15.2.2018.", ["2018-02-15"]),
        ("Wert 1.2.2018,5 Punkte", []),  # a decimal comma makes it a number, not a date
    ],
)
def test_a_numeric_date_followed_by_a_comma(text: str, want: list[str]) -> None:
    assert find_text_dates(text, "de") == want


@pytest.mark.parametrize(
    "tag",
    [
        '<meta name="publication_date" content="2022-02-08T14:00:00">',
        '<meta property="dc:date.created" content="2022-02-08">',
        '<meta property="article:published_date" content="2022-02-08">',
    ],
)
def test_less_common_meta_names_for_the_publication_date(tag: str) -> None:
    assert (published(page(tag)).value or "")[:10] == "2022-02-08"


def test_microdata_on_an_abbr_reads_its_title() -> None:
    body = (
        '<div itemscope itemtype="http://schema.org/BlogPosting"><h1 itemprop="headline">River path</h1>'
        "<div class=\"post-footer\"><abbr class='published' itemprop='datePublished' "
        "title='2017-09-09T10:52:00+02:00'>10:52</abbr></div></div>"
    )
    found = published(page(body=body, lang="de"))
    assert (found.value, found.source) == ("2017-09-09T10:52:00+02:00", Src.MICRODATA)


def test_an_hatom_updated_stamp_dates_a_page_that_dates_nothing_else() -> None:
    body = (
        # A web archive's banner, far above the headline: only the last resort's scan of the whole text reads it.
        '<div class="banner">Captured 10.11.2013</div>' + "<p>Menu item</p>" * 40 + "<h1>Mozart</h1>"
        '<span class="updated" title="2013-04-04T18:52:11+00:00"></span>'
    )
    found = published(page(body=body, lang="de"))
    assert (found.value, found.source) == ("2013-04-04T18:52:11+00:00", Src.MICRODATA)


def test_an_hatom_updated_stamp_never_beats_a_visible_dateline() -> None:
    body = '<h1>Mozart</h1><p class="date">04.04.2013</p><span class="updated" title="2014-01-01T10:00:00Z"></span>'
    assert published(page(body=body, lang="de")).value == "2013-04-04"


def test_a_date_before_an_update_label_on_its_line_stands() -> None:
    body = "<p>January 19, 2020 / 12:25 PM / Updated 8 hours ago</p><h1>Parasite scores upset</h1>"
    found = published(page(body=body))
    assert (found.value, found.source) == ("2020-01-19", Src.TEXT)


def test_a_published_label_before_an_update_label_on_one_line() -> None:
    body = "<h1>Gemeinderat tagt</h1><p>Veröffentlicht am 10.02.2020 | aktualisiert am 12.02.2020</p>"
    assert published(page(body=body, lang="de")).value == "2020-02-10"


def test_a_date_after_an_update_label_on_its_line_does_not_count() -> None:
    body = "<h1>Gemeinderat tagt</h1><p>Aktualisiert am 12.02.2020</p><p>Sitzung vom 03.02.2020</p>"
    assert published(page(body=body, lang="de")).value == "2020-02-03"


def test_without_an_h1_the_first_h2_is_the_headline() -> None:
    # The post sits in a layout wrapper named for its sidebar: with the <h2> as headline, that wrapper is no zone.
    body = (
        '<div class="mainwrap sidebar"><div class="post"><h2>Fall in love with black</h2>'
        '<div class="post-meta">08/09/2017</div></div></div>'
    )
    found = published(page(body=body, lang="de"))
    assert (found.value, found.source) == ("2017-09-08", Src.TEXT)


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://www.paper.co.uk/story", "2023-11-08"),  # a British domain: day first
        ("https://www.paper.ie/story", "2023-11-08"),
        ("https://www.paper.com/story", "2023-08-11"),  # no region anywhere: the US reading, as before
    ],
)
def test_english_without_a_region_takes_it_from_a_country_domain(url: str, want: str) -> None:
    body = '<h1>Halls too full</h1><p class="byline">08/11/2023</p>'
    assert published(page(body=body, lang="en"), url).value == want


def test_a_footer_widgets_h2_is_not_the_headline() -> None:
    # Without an <h1>, the first <h2> outside footers and widgets titles the page; a widget's list keeps its dates.
    body = (
        '<div class="layout sidebar"><ul class="sidebar_widget"><li class="widget"><h2>Latest news</h2>'
        "<p>Another story</p><p>09/09/2019</p></li></ul>"
        '<div class="post"><h2>Un braconnier condamné</h2><p class="post-date">27/09/2016</p></div></div>'
    )
    assert published(page(body=body, lang="fr")).value == "2016-09-27"


def test_a_kind_of_declared_evidence_votes_for_the_day_most_of_its_stamps_name() -> None:
    head = (
        '<meta name="pubdate" content="2021-12-14T15:41:07+01:00"><meta name="date" content="2022-02-04 15:33">'
        '<meta name="DC.date.issued" content="2022-02-04T15:33:00+01:00">'
    )
    body = (
        '<div itemscope itemtype="http://schema.org/Article"><meta itemprop="datePublished" '
        'content="2021-12-14T15:41:07+01:00"><h1>Warten lohnt sich</h1><p>04.02.2022</p></div>'
    )
    found = published(page(head, body, "de"))
    assert (found.value, found.source) == ("2022-02-04T15:33:00", Src.META)


def test_a_lone_other_meta_stamp_does_not_outvote_the_first_kinds_majority() -> None:
    head = '<meta name="pubdate" content="2021-12-14"><meta name="date" content="2022-02-04">'
    found = published(page(head + ld("2021-12-14T15:41:07+01:00"), "<h1>Warten lohnt sich</h1>", "de"))
    assert found.value == "2021-12-14T15:41:07+01:00"


def ld(stamp: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{stamp}"}}</script>'


def test_a_script_state_key_dates_a_page_that_writes_no_date() -> None:
    state = '<script type="application/json">{"publishedDate":"2016-11-04T20:37:27Z","updatedDate":null}</script>'
    found = published(page(body=f"<h1>Great service</h1>{state}"))
    assert (found.value, found.source) == ("2016-11-04T20:37:27Z", Src.META)


def test_a_script_state_key_never_beats_a_written_date() -> None:
    state = '<script>window.state = {"publishDate": "01/01/2004"};</script>'
    body = f"<h1>Pineapple cake</h1>{state}<p>Posted 13.06.2019</p>"
    assert published(page(body=body, lang="de")).value == "2019-06-13"
