"""The systems bench/extract.py compares, each as ``(html, url) -> Output``, and the disk cache of peer outputs.

Peers' outputs (and the wall and CPU time each page took) are cached under ``bench/out/cache/`` keyed by
the page's SHA-256 and the peer's version, so a rerun only times newsdesk; ``--fresh``
reruns every peer in the same run, page by page in turn.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import lxml.html

from pipelines.extract import extract_article

CACHE = Path(__file__).resolve().parent / "out" / "cache"


@dataclass
class Output:
    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    ms: float = 0.0  # wall clock: carries other processes' load on a shared machine
    cpu_ms: float | None = None  # this thread's CPU time for the page: what the floors are checked on
    error: str | None = None
    url: str = ""  # the page's URL, so an identical page of another set reuses the output only when it matches


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value) if value else None


def newsdesk(html: str | bytes, url: str) -> Output:
    article = extract_article(html, url)
    meta = article.metadata
    return Output(article.text, meta.title.value, list(meta.authors.value or ()), meta.published.value)


def trafilatura_meta(html: str | bytes, url: str) -> Output:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return Output()
    data = doc if isinstance(doc, dict) else doc.as_dict()
    authors = [a.strip() for a in str(data.get("author") or "").split(";") if a.strip()]
    return Output(str(data.get("text") or ""), data.get("title"), authors, _iso(data.get("date")))


def htmldate_extensive(html: str | bytes, url: str) -> Output:
    from htmldate import find_date

    return Output(date=find_date(html, url=url, extensive_search=True, original_date=True))


def newspaper4k(html: str | bytes, url: str) -> Output:
    from newspaper import Article

    art = Article(url, fetch_images=False)
    art.download(input_html=html if isinstance(html, str) else html.decode("utf-8", "replace"))
    art.parse()
    return Output(art.text or "", art.title or None, list(art.authors or ()), _iso(art.publish_date))


def readability_lxml(html: str | bytes, url: str) -> Output:
    from readability import Document

    doc = Document(html)
    summary = doc.summary(html_partial=True)
    text = " ".join(lxml.html.fromstring(summary).itertext()) if summary.strip() else ""
    return Output(text, doc.short_title() or None)


def resiliparse_main(html: str | bytes, url: str) -> Output:
    from resiliparse.extract.html2text import extract_plain_text

    return Output(str(extract_plain_text(html if isinstance(html, str) else html.decode("utf-8", "replace"),
                                         main_content=True)))  # fmt: skip


@dataclass(frozen=True)
class System:
    name: str
    dist: str  # the distribution whose version keys the cache ("" for newsdesk: never cached)
    run: Callable[[str | bytes, str], Output]
    measures: frozenset[str]  # which of text, title, author, date it is scored on
    sets: frozenset[str] | None = None  # the sets it runs on (None: all)

    @property
    def version(self) -> str:
        if not self.dist:
            return "local"
        try:
            return metadata.version(self.dist)
        except metadata.PackageNotFoundError:
            return ""

    @property
    def available(self) -> bool:
        return self.version != ""


ALL = frozenset({"text", "title", "author", "date"})
SYSTEMS: tuple[System, ...] = (
    System("newsdesk", "", newsdesk, ALL),
    System("trafilatura (metadata)", "trafilatura", trafilatura_meta, ALL),
    System("htmldate (extensive)", "htmldate", htmldate_extensive, frozenset({"date"})),
    System("newspaper4k", "newspaper4k", newspaper4k, ALL),
    # Text-only extractors, kept on the Zyte set for the README's long-standing comparison.
    System("readability-lxml", "readability-lxml", readability_lxml, frozenset({"text"}), frozenset({"zyte"})),
    System("resiliparse (main)", "resiliparse", resiliparse_main, frozenset({"text"}), frozenset({"zyte"})),
)


def timed(system: System, html: str | bytes, url: str) -> Output:
    start, start_cpu = time.perf_counter(), time.thread_time()
    try:
        out = system.run(html, url)
    except Exception as exc:  # a peer's crash is a result too: counted, not fatal
        out = Output(error=f"{type(exc).__name__}: {exc}"[:200])
    out.cpu_ms = (time.thread_time() - start_cpu) * 1000
    out.ms = (time.perf_counter() - start) * 1000
    out.url = url
    return out


class Cache:
    """Peer outputs by page digest: one JSON file per system, version and set, all of them read.

    Two sets share many pages (trafilatura-eval and htmldate-dev): a page already run for
    one set is reused for the other when its URL is the same too.
    """

    def __init__(self, system: System) -> None:
        self.slug = "".join(c if c.isalnum() else "-" for c in system.name) + f"-{system.version}"
        self.sets: dict[str, dict[str, dict[str, Any]]] = {}
        for path in sorted(CACHE.glob(f"{self.slug}-*.json")):
            self.sets[path.stem.removeprefix(self.slug + "-")] = json.loads(path.read_text(encoding="utf-8"))
        self.dirty: set[str] = set()

    def get(self, set_name: str, digest: str, url: str) -> Output | None:
        entry = self.sets.get(set_name, {}).get(digest)
        if entry is None:
            entry = next((e[digest] for e in self.sets.values() if e.get(digest, {}).get("url") == url), None)
        if entry is None or entry.get("cpu_ms") is None:  # entries from before CPU time was kept are run again
            return None
        return Output(**entry)

    def put(self, set_name: str, digest: str, out: Output) -> None:
        self.sets.setdefault(set_name, {})[digest] = asdict(out)
        self.dirty.add(set_name)

    def save(self) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        for set_name in self.dirty:
            (CACHE / f"{self.slug}-{set_name}.json").write_text(json.dumps(self.sets[set_name]), encoding="utf-8")
        self.dirty.clear()
