"""Every reason code of the bundled rules fires on a positive and stays quiet on a negative.

Evidence must point at what matched: ``text[start:end] == excerpt`` (or the title).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.flagging import RuleSet, evaluate, load_rules
from pipelines.models import DedupeVerdict, Flag, FlagInput, FlagOutcome, StrippedBlock

CLEAN = (Path(__file__).parents[1] / "fixtures" / "flags" / "clean_news.txt").read_text(encoding="utf-8")
CLEAN_TITLE = "Council approves budget with more money for buses and bridges"


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def _run(rules: RuleSet, text: str = CLEAN, title: str = CLEAN_TITLE, **fields: object) -> FlagOutcome:
    item = FlagInput("a1", title, text, **fields)  # type: ignore[arg-type]
    outcome = evaluate(rules, item)
    for flag in outcome.flags:
        for ev in flag.evidence:
            source = item.title if ev.field == "title" else item.text
            assert source[ev.start : ev.end] == ev.excerpt, (flag.code, ev)
    return outcome


def _codes(outcome: FlagOutcome) -> set[str]:
    return {f.code for f in outcome.flags if not f.shadow}


def _flag(outcome: FlagOutcome, code: str) -> Flag:
    return next(f for f in outcome.flags if f.code == code and not f.shadow)


def test_clean_news_raises_nothing(rules: RuleSet) -> None:
    outcome = _run(rules, source_language="en")
    assert _codes(outcome) == set()
    assert outcome.action == "none" and outcome.rule_version == rules.version


def test_extremism_promotion_holds_but_reporting_does_not(rules: RuleSet) -> None:
    text = CLEAN + "\nBrothers, join the Islamic State now. Glory to the mujahideen and their blessed attacks."
    outcome = _run(rules, text)
    flag = _flag(outcome, "violent_extremism_promotion")
    assert flag.action == "hold" and outcome.action == "hold"
    assert {e.excerpt for e in flag.evidence} >= {"join the Islamic State", "Glory to the mujahideen"}
    reported = CLEAN + "\nA man was convicted on Friday of trying to join the Islamic State in 2016."
    outcome = _run(rules, reported)
    assert "violent_extremism_promotion" not in _codes(outcome)
    assert _flag(outcome, "violent_extremism_mention").action == "tag"


def test_bomb_making_instructions_hold(rules: RuleSet) -> None:
    outcome = _run(rules, CLEAN + "\nHere is how to make a pipe bomb at home with parts from any shop.")
    assert _flag(outcome, "violent_extremism_promotion").evidence[0].excerpt == "how to make a pipe bomb"


def test_graphic_violence_needs_graphic_terms_not_just_killing(rules: RuleSet) -> None:
    gory = CLEAN + "\nThe hostages were beheaded and their bodies mutilated before being left in a pool of blood."
    flag = _flag(_run(rules, gory), "graphic_violence")
    assert [e.excerpt for e in flag.evidence] == ["beheaded", "mutilated", "pool of blood"]
    plain = CLEAN + "\nTwo people were killed and five injured in the attack, police said."
    assert "graphic_violence" not in _codes(_run(rules, plain))


def test_hate_slur_flags_and_targeting_holds(rules: RuleSet) -> None:
    slur = _run(rules, CLEAN + "\nHe shouted 'go home, towelhead' at the woman.")
    assert _flag(slur, "hate").action == "flag" and _flag(slur, "hate").evidence[0].excerpt == "towelhead"
    targeting = _run(rules, CLEAN + "\nImmigrants are nothing but vermin and should leave.")
    assert _flag(targeting, "hate").action == "hold"
    assert _flag(targeting, "hate").evidence[0].excerpt == "Immigrants are nothing but vermin"


def test_reporting_on_hate_is_not_hate(rules: RuleSet) -> None:
    text = CLEAN + "\nPolice are investigating the attack on a mosque as a hate crime against Muslims."
    assert "hate" not in _codes(_run(rules, text))
    trope = CLEAN + "\nThe senator condemned the antisemitic conspiracy theory that Jews control the media."
    assert "hate" not in _codes(_run(rules, trope))


def test_profanity_gives_the_most_profane_sentences_as_evidence(rules: RuleSet) -> None:
    text = CLEAN + "\nThis is fucking bullshit, you stupid asshole. The vote was close."
    flag = _flag(_run(rules, text), "profanity")
    assert flag.evidence[0].excerpt == "This is fucking bullshit, you stupid asshole."
    assert 0.0 < flag.score <= 0.5
    mild = CLEAN + "\nThe damn bus was late again, said one commuter."
    assert "profanity" not in _codes(_run(rules, mild))


def test_leftover_boilerplate_fires_on_furniture_not_on_prose(rules: RuleSet) -> None:
    text = CLEAN + "\nShare this:\nWe use cookies to improve your experience.\nAdvertisement\n"
    flag = _flag(_run(rules, text), "leftover_boilerplate")
    assert {e.excerpt for e in flag.evidence} == {"Share this:", "We use cookies", "Advertisement"}
    prose = CLEAN + "\nThe baker shared cookies with commuters; an advertisement for the market ran on radio."
    assert "leftover_boilerplate" not in _codes(_run(rules, prose))


def test_autoblog_signatures_count_also_when_extraction_removed_them(rules: RuleSet) -> None:
    stripped = (StrippedBlock("text_residue", "[ad_1]"), StrippedBlock("text_residue", "Source link"))
    flag = _flag(_run(rules, stripped=stripped), "autoblog_signature")
    assert "removed by extraction: ad_open, source_link" in flag.detail and flag.evidence == ()
    one = _run(rules, CLEAN + "\nSource: Reuters")
    assert "autoblog_signature" not in _codes(one)


def test_near_duplicate_of_another_source_only(rules: RuleSet) -> None:
    verdict = DedupeVerdict(duplicate_of="art-42", similarity=0.93, kind="near")
    other = _run(rules, source_id="blog", duplicate=verdict, duplicate_source_id="wire")
    assert "art-42" in _flag(other, "near_duplicate_of_other_source").detail
    same = _run(rules, source_id="wire", duplicate=verdict, duplicate_source_id="wire")
    assert "near_duplicate_of_other_source" not in _codes(same)
    assert "near_duplicate_of_other_source" not in _codes(_run(rules, source_id="blog"))


def test_too_short_and_extraction_failed(rules: RuleSet) -> None:
    short = _run(rules, "  Read our full coverage of the council vote.  ")
    assert _flag(short, "too_short").evidence[0].excerpt == "Read our full coverage of the council vote."
    assert "extraction_failed" not in _codes(short)
    empty = _run(rules, "", extraction_empty_reason="not an article (index page)")
    assert _codes(empty) == {"extraction_failed"} and empty.action == "flag"
    assert "too_short" not in _codes(_run(rules))


def test_language_mismatch_against_the_declared_language(rules: RuleSet) -> None:
    french = (
        "Le conseil municipal a approuvé lundi un nouveau budget qui augmente les dépenses pour les transports "
        "publics et la réparation des routes, mettant fin à des semaines de négociations entre le maire et "
        "les membres de l'opposition. Le plan ajoute douze nouvelles lignes de bus."
    )
    flag = _flag(_run(rules, french, source_language="en-GB"), "language_mismatch")
    assert "text looks fr" in flag.detail
    assert "language_mismatch" not in _codes(_run(rules, french, source_language="fr"))
    assert "language_mismatch" not in _codes(_run(rules, source_language="en"))
    assert "language_mismatch" not in _codes(_run(rules, french))  # nothing declared


def test_title_body_mismatch(rules: RuleSet) -> None:
    outcome = _run(rules, title="Football champions sign young striker from rival club")
    flag = _flag(outcome, "title_body_mismatch")
    assert flag.evidence[0].field == "title"
    assert "title_body_mismatch" not in _codes(_run(rules))


def test_one_strong_autoblog_signature_suffices_but_one_weak_does_not(rules: RuleSet) -> None:
    strong = _run(rules, CLEAN + "\nSource link")
    assert _flag(strong, "autoblog_signature").evidence[0].excerpt == "Source link"
    weak = _run(rules, CLEAN.rstrip() + " […]")
    assert "autoblog_signature" not in _codes(weak)
    both = _run(rules, CLEAN_TITLE + "\n" + CLEAN_TITLE + "\n" + CLEAN.rstrip() + " […]", title=CLEAN_TITLE)
    flag = _flag(both, "autoblog_signature")
    assert "feed_ellipsis" in flag.detail and "title_repeated" in flag.detail
    assert flag.score == pytest.approx(0.7)  # two co-occurring signatures x 0.35
