"""strip_residue: text-level boilerplate after extraction, with removals recorded."""

from __future__ import annotations

import pytest

from pipelines.models import ExtractedArticle, StripCategory, StrippedBlock
from pipelines.strip import strip_residue

BODY = [
    "The council approved the new budget on Tuesday after a debate that lasted more than six hours.",
    "Opposition members said the spending plans relied on optimistic forecasts for business rates.",
    "The budget takes effect in April and will be reviewed again in the autumn.",
]


def article(*lines: str, title: str = "Council approves budget") -> ExtractedArticle:
    return ExtractedArticle(title=title, text="\n".join(lines))


def removed(result: ExtractedArticle) -> list[StrippedBlock]:
    return list(result.stripped)


@pytest.mark.parametrize("code", ["[ad_1]", "[ad_2]", "[adsense]", "[ads id=3]", "[AD_10]"])
def test_ad_shortcodes_are_removed_inline_and_as_lines(code: str) -> None:
    result = strip_residue(article(code, BODY[0], f"{BODY[1]} {code}", BODY[2]))
    assert result.text == "\n".join(BODY)
    assert [b.category for b in removed(result)] == ["ad_slot", "ad_slot"]
    assert all(b.text.lower() == code.lower() for b in removed(result))


@pytest.mark.parametrize(
    "footer",
    [
        "Source link",
        "Read more at Reuters",
        "The post Council approves budget appeared first on Daily Local News.",
        "Continue reading",
    ],
)
def test_auto_blog_footers_are_removed(footer: str) -> None:
    result = strip_residue(article(*BODY, footer))
    assert result.text == "\n".join(BODY)
    assert removed(result) == [StrippedBlock("text_residue", footer)]


def test_share_bar_on_one_line_is_removed() -> None:
    result = strip_residue(article(BODY[0], "Facebook Twitter LinkedIn", *BODY[1:]))
    assert result.text == "\n".join(BODY)
    assert removed(result) == [StrippedBlock("share_bar", "Facebook Twitter LinkedIn")]


def test_share_bar_one_word_per_line_is_removed() -> None:
    bar = ["Share this:", "Facebook", "Twitter", "WhatsApp", "Email"]
    result = strip_residue(article(*BODY, *bar))
    assert result.text == "\n".join(BODY)
    assert [b.text for b in removed(result)] == bar
    assert {b.category for b in removed(result)} == {"share_bar"}


def test_related_tail_is_removed() -> None:
    tail = ["Related posts", "Ferry timetable changes announced", "Roadworks to finish early", "School wins award"]
    result = strip_residue(article(*BODY, *tail))
    assert result.text == "\n".join(BODY)
    assert removed(result) == [StrippedBlock("related_links", "\n".join(tail))]


def test_more_to_explore_heading_is_removed() -> None:
    result = strip_residue(article(*BODY, "More to explore", "Ten walks along the coast"))
    assert result.text == "\n".join(BODY)
    assert removed(result)[0].category == "related_links"


def test_title_repeated_at_top_is_removed() -> None:
    result = strip_residue(article("Council approves budget!", *BODY, title="Council Approves Budget"))
    assert result.text == "\n".join(BODY)
    assert removed(result) == [StrippedBlock("text_residue", "Council approves budget!")]


def test_cookie_prompt_is_removed() -> None:
    prompt = "We use cookies to give you the best experience. By continuing you agree to our cookie policy."
    result = strip_residue(article(prompt, *BODY))
    assert result.text == "\n".join(BODY)
    assert removed(result) == [StrippedBlock("cookie_banner", prompt)]


def test_newsletter_prompt_is_removed() -> None:
    prompt = "Sign up for our daily newsletter and get the news delivered to your inbox."
    result = strip_residue(article(*BODY[:2], prompt, BODY[2]))
    assert result.text == "\n".join(BODY)
    assert removed(result) == [StrippedBlock("newsletter_box", prompt)]


def test_advertisement_label_is_removed() -> None:
    result = strip_residue(article(BODY[0], "ADVERTISEMENT", *BODY[1:]))
    assert result.text == "\n".join(BODY)
    assert removed(result) == [StrippedBlock("ad_slot", "ADVERTISEMENT")]


@pytest.mark.parametrize(
    "line,category",
    [
        ("Comments", "text_residue"),
        ("12 comments", "text_residue"),
        ("Image 2 of 5", "text_residue"),
        ("1 of 6", "text_residue"),
        ("November 15, 2019", "text_residue"),
        ("05/10/2018 11:28", "text_residue"),
        ("Updated at 1:23 p.m.", "text_residue"),
        ("Posted on March 30, 2015 by Admin", "text_residue"),
        ("Reporting by Jane Doe; Editing by John Roe", "text_residue"),
        ("Jane Doe contributed to this report.", "text_residue"),
        ("Jane Doe | Bloomberg | Getty Images", "text_residue"),
        ("jane.doe@example.com", "share_bar"),
        ("Follow her on Twitter @janedoe", "share_bar"),
    ],
)
def test_interface_labels_datelines_and_credits_are_removed(line: str, category: StripCategory) -> None:
    result = strip_residue(article(BODY[0], line, *BODY[1:]))
    assert result.text == "\n".join(BODY)
    assert removed(result) == [StrippedBlock(category, line)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The company was founded on November 15, 2019, in a small office above a bakery in Leeds.",
        "-12.99",
        "4:14 p.m.",
        "Comments from the minister were not immediately available on Tuesday evening.",
        "She posted on Instagram that she would follow the advice of her doctors and rest for a month.",
        "The company said it would appeal against the fine imposed on Facebook by the regulator last year.",
        "Facebook",
        "Twitter and LinkedIn both declined to comment when asked about the leaked memo on Monday.",
        "A source close to the negotiations said the deal could be signed within weeks.",
        "Read more about the history of the bridge in the council's annual report, published in March.",
        "The newsletter, which began in 1998, now reaches more than 40,000 subscribers every week.",
        "Researchers found that cookies left on the counter for three days were still safe to eat.",
        "Related research published last year reached the same conclusion about the river's pollution.",
    ],
)
def test_ordinary_sentences_stay(sentence: str) -> None:
    text = [BODY[0], sentence, *BODY[1:]]
    result = strip_residue(article(*text))
    assert result.text == "\n".join(text)
    assert result.stripped == ()


def test_related_heading_followed_by_article_text_keeps_the_text() -> None:
    text = [*BODY[:2], "Related", "The mayor later said, in a statement, that the vote was a victory for residents."]
    result = strip_residue(article(*text))
    assert result.text.splitlines() == [*BODY[:2], text[-1]]


def test_earlier_stripped_blocks_are_kept_and_appended_to() -> None:
    earlier = StrippedBlock("navigation", "Home News Sport")
    source = ExtractedArticle(title="t", text="\n".join([*BODY, "Source link"]), stripped=(earlier,))
    result = strip_residue(source)
    assert result.stripped == (earlier, StrippedBlock("text_residue", "Source link"))


def test_clean_article_is_returned_unchanged() -> None:
    source = article(*BODY)
    assert strip_residue(source) is source


def test_all_residue_leaves_an_empty_reason() -> None:
    result = strip_residue(article("Source link", "[ad_1]"))
    assert result.text == ""
    assert result.empty_reason is not None


def test_title_with_site_suffix_repeated_at_top_is_removed() -> None:
    result = strip_residue(article("Council approves budget", *BODY, title="Council approves budget | Daily Planet"))
    assert result.text == "\n".join(BODY)
    assert removed(result) == [StrippedBlock("text_residue", "Council approves budget")]


def test_lede_that_starts_like_the_title_stays() -> None:
    lede = "Council approves budget after a six-hour debate, ending months of argument over spending."
    result = strip_residue(article(lede, *BODY, title="Council approves budget"))
    assert result.text.split("\n")[0] == lede


@pytest.mark.parametrize(
    "line,category",
    [
        ("05/10/2018 - Posted by: Jane Doe - Category: Health - Tags: clinic, vans", "text_residue"),
        ("[button link=”http://example.com/submit/” type=”big”] Send us YOUR review[/button]", "text_residue"),
        ("This slideshow requires JavaScript.", "text_residue"),
        ("Tell us what YOU think...", "comments"),
    ],
)
def test_post_meta_shortcodes_and_widget_notices_are_removed(line: str, category: StripCategory) -> None:
    result = strip_residue(article(*BODY[:2], line, BODY[2]))
    assert result.text == "\n".join(BODY)
    assert removed(result) == [StrippedBlock(category, line)]


def test_inline_page_builder_shortcodes_are_removed_but_their_text_stays() -> None:
    result = strip_residue(article(f"[vc_column_text]{BODY[0]} [/vc_column_text]", *BODY[1:]))
    assert result.text == "\n".join(BODY)
    assert [b.text for b in removed(result)] == ["[vc_column_text]", "[/vc_column_text]"]


def test_caption_shortcode_line_is_removed() -> None:
    caption = '[caption id="attachment_7" align="alignnone"] The new ferry in the harbour.[/caption]'
    result = strip_residue(article(BODY[0], caption, *BODY[1:]))
    assert result.text == "\n".join(BODY)
    assert removed(result) == [StrippedBlock("text_residue", caption)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Category: the judges placed the film in the documentary section. Author: unknown, the archive said.",
        "The array [1, 2, 3] was printed by the program, and [citation needed] appeared twice on the page.",
        "Readers were asked what they think about the plan, and most said it would not work in practice.",
    ],
)
def test_lookalike_sentences_stay(sentence: str) -> None:
    text = [BODY[0], sentence, *BODY[1:]]
    assert strip_residue(article(*text)).text == "\n".join(text)


@pytest.mark.parametrize(
    "sentence",
    [
        "“We use cookies to track users across sites,” the company admitted in its filing on Monday.",
        "Readers get the weekly newsletter free of charge, the publisher said in a statement.",
        "He said he would subscribe to the newsletter later, once the dispute had been settled.",
    ],
)
def test_reporting_about_cookies_and_newsletters_stays(sentence: str) -> None:
    text = [BODY[0], sentence, *BODY[1:]]
    assert strip_residue(article(*text)).text == "\n".join(text)


@pytest.mark.parametrize(
    "heading", ["Lesen Sie auch", "Das könnte Sie auch interessieren", "À lire aussi", "Te puede interesar:"]
)
def test_related_headings_in_other_languages_are_removed(heading: str) -> None:
    cleaned = strip_residue(article(BODY[0], heading, BODY[1], BODY[2]))
    assert heading not in cleaned.text.split("\n")
    assert cleaned.text.split("\n") == BODY
