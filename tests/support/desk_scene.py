"""A realistic desk for the browser tests and the screenshots: a story with copies, items of several codes,
sources and languages, a stored page with hostile markup, and a history of decisions over two weeks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, update

from pipelines.storage.schema import decisions, review_items
from tests.support.review_seed import SeedArticle, SeedFlag, make_user, seed_article

PASSWORD = "reviewer password"
ORIGINAL = (
    "Wheat prices rose to a five-year high on Tuesday as drought cut the harvest across the southern plains.\n"
    "Farmers said the dry spell was the worst since 2012, and traders expect prices to stay high into spring.\n"
    "The agriculture ministry will publish revised estimates next week."
)
COPY = (
    "Wheat prices climbed to a five-year high on Tuesday as a severe drought cut the harvest across the plains.\n"
    "Farmers said the dry spell was the worst in a decade, and traders expect prices to stay high into spring.\n"
    "Source link"
)
REWRITE = (
    "A drought across the southern plains has pushed wheat to its highest price in five years, "
    "traders said on Tuesday, with farmers calling it the worst dry spell since 2012."
)
HOSTILE_PAGE = (
    "<html><head><title>Notice</title><script>alert('page script')</script></head><body>"
    '<nav><a href="/">Home</a> | <a href="/news">News</a></nav>'
    '<h1 onmouseover="alert(1)">Site notice</h1><p>This page has moved.</p>'
    '<img src="http://tracker.invalid/pixel.gif" onerror="alert(2)"><iframe src="http://ads.invalid/"></iframe>'
    "<footer>Copyright Metro News</footer></body></html>"
)
SPAM_TEXT = (
    "City council meets on Monday to discuss the new tram line.\n"
    "An advert in the middle says: buy cheap pills online, cheap pills delivered overnight.\n"
    "Residents can attend the meeting. Cheap pills are not on the agenda.\n"
    "The council will vote on the tram line in March."
)


@dataclass(frozen=True)
class Scene:
    original: int
    copies: tuple[int, ...]
    spam: int
    hostile: int
    filler: tuple[int, ...]


def build(engine: Engine, *, extra: int = 10) -> Scene:
    """Fill an empty, migrated desk; users rita (reviewer), sam (reviewer) and ada (admin), password PASSWORD."""
    original = seed_article(
        engine,
        SeedArticle(
            "wheat-orig",
            title="Drought pushes wheat prices to a five-year high",
            text=ORIGINAL,
            source_id="planet",
            flags=(SeedFlag("leftover_boilerplate", "agriculture ministry", severity="low"),),
            priority=21010,
            age_minutes=90,
        ),
    )
    copy = seed_article(
        engine,
        SeedArticle(
            "wheat-copy",
            title="Drought pushes wheat prices to a five-year high",
            text=COPY,
            source_id="autoblog",
            duplicate_of="wheat-orig",
            similarity=0.82,
            flags=(
                SeedFlag("near_duplicate_of_other_source", "Wheat prices climbed", severity="medium"),
                SeedFlag("autoblog_signature", "Source link", severity="medium"),
            ),
            priority=22008,
            age_minutes=80,
        ),
    )
    rewrite = seed_article(
        engine,
        SeedArticle(
            "wheat-rewrite",
            title="Wheat at a five-year high as drought bites",
            text=REWRITE,
            source_id="wire",
            duplicate_of="wheat-orig",
            similarity=0.56,
            flags=(SeedFlag("near_duplicate_of_other_source", "wheat", severity="medium"),),
            priority=22005,
            age_minutes=70,
        ),
    )
    spam = seed_article(
        engine,
        SeedArticle(
            "council-ad",
            title="Council to vote on the tram line",
            text=SPAM_TEXT,
            source_id="metro",
            flags=(SeedFlag("spam", "cheap pills"), SeedFlag("leftover_boilerplate", "advert", severity="low")),
            priority=33009,
            age_minutes=120,
        ),
    )
    hostile = seed_article(
        engine,
        SeedArticle(
            "metro-notice",
            title="Notice",
            text="",
            source_id="metro",
            language=None,
            page=HOSTILE_PAGE,
            flags=(SeedFlag("extraction_failed", severity="low"),),
            stripped=({"category": "navigation", "text": "Home | News"},),
            priority=21001,
            age_minutes=60,
        ),
    )
    filler = [
        seed_article(
            engine,
            SeedArticle(
                f"story-{i:02d}",
                title=f"Local story {i}: {('cheap pills', 'bridge works', 'school fete')[i % 3]}",
                text=f"Story {i}. Readers wrote about {('cheap pills', 'the bridge', 'the fete')[i % 3]} this week.",
                source_id=("planet", "metro", "wire")[i % 3],
                language=("en", "en", "de")[i % 3],
                flags=(SeedFlag("spam" if i % 3 == 0 else "too_short", "cheap pills" if i % 3 == 0 else ""),),
                priority=21000 + i,
                age_minutes=30 - i,
            ),
        )
        for i in range(extra)
    ]
    for name, role in (("rita", "reviewer"), ("sam", "reviewer"), ("ada", "admin")):
        make_user(engine, name, role, password=PASSWORD)
    _history(engine)
    return Scene(original, (copy, rewrite), spam, hostile, tuple(filler))


def _history(engine: Engine) -> None:
    """Two weeks of decided items (for the overview's charts), with handling times and second opinions."""
    now = datetime.now(UTC)
    for day in range(14):
        for n in range(2 + day % 4):
            at = now - timedelta(days=13 - day, hours=n * 3 + 1)
            code = ("spam", "hate", "too_short")[n % 3]
            item = seed_article(
                engine,
                SeedArticle(
                    f"old-{day:02d}-{n}",
                    title=f"Decided story {day}-{n}",
                    flags=(SeedFlag(code),),
                    age_minutes=int((now - at).total_seconds() // 60) + 45,
                ),
            )
            verdict = "reject" if (day + n) % 3 else "approve"
            with engine.begin() as conn:
                conn.execute(
                    update(review_items)
                    .where(review_items.c.id == item)
                    .values(state="decided", decision=verdict, decided_by="rita", decided_at=at)
                )
                snapshot = [{"code": code, "action": "flag", "shadow": False, "rule_id": f"rule-{code}-0"}]
                conn.execute(
                    insert(decisions).values(
                        review_item_id=item,
                        article_id=f"old-{day:02d}-{n}",
                        reviewer="rita",
                        decision=verdict,
                        reason="history",
                        flags=snapshot,
                        created_at=at,
                        opinion="first",
                        handling_seconds=30.0 + 17 * n + day,
                    )
                )
                if n == 0:
                    second = verdict if day % 4 else ("approve" if verdict == "reject" else "reject")
                    conn.execute(
                        insert(decisions).values(
                            review_item_id=item,
                            article_id=f"old-{day:02d}-{n}",
                            reviewer="sam",
                            decision=second,
                            reason="second look",
                            flags=snapshot,
                            created_at=at + timedelta(minutes=20),
                            opinion="second",
                            handling_seconds=40.0 + day,
                        )
                    )
