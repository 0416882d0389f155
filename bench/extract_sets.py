"""The article sets bench/extract.py reads, each page with its gold and its split.

Every set is split by a digest of the page's host: a quarter of the hosts are held out
(never looked at while tuning), the rest is the tuning part.  Splitting by host keeps
pages of one site on one side, so a rule that only fits one site cannot lift the
held-out figures.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
HELD_OUT_BUCKETS = 4  # one host bucket in four is held out
_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)
TEXT_LANGUAGES = ("de", "en", "es", "fr")


@dataclass(frozen=True)
class Gold:
    """What a page's annotators say; ``None`` is "annotated as absent", ``MISSING`` "not annotated"."""

    body: str | None = None  # full text (Zyte, WCXB)
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    title: Any = "MISSING"
    author: Any = "MISSING"
    date: Any = "MISSING"


@dataclass(frozen=True)
class BenchPage:
    set_name: str
    key: str
    url: str
    raw: bytes
    gold: Gold
    held_out: bool
    language: str  # the <html lang> hint, "other" when absent

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    def text(self) -> str:
        """The page decoded as the sets' READMEs say: BOM, UTF-8, declared charset, cp1252."""
        raw = self.raw
        for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
            if raw.startswith(bom):
                return raw.decode(codec, "replace")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        declared = _META_CHARSET.search(raw[:4096])
        if declared:
            try:
                return raw.decode(declared.group(1).decode("ascii"), "replace")
            except LookupError:
                pass
        return raw.decode("cp1252", "replace")


def held_out(url: str) -> bool:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return int(hashlib.sha256(host.encode()).hexdigest(), 16) % HELD_OUT_BUCKETS == 0


def _language(raw: bytes) -> str:
    found = _LANG.search(raw[:20_000])
    return found.group(1).decode("ascii").lower() if found else "other"


def data_root() -> Path:
    """``../shared/data`` next to the repository, or ``$NEWSDESK_BENCH_DATA`` (read per call, not at import)."""
    override = os.environ.get("NEWSDESK_BENCH_DATA")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data"


def _page(set_name: str, key: str, url: str, path: Path, gold: Gold) -> BenchPage:
    raw = gzip.decompress(path.read_bytes())
    return BenchPage(set_name, key, url, raw, gold, held_out(url), _language(raw))


def _field(entry: dict[str, Any], name: str) -> Any:
    if name not in entry:
        return "MISSING"
    value = entry[name]
    return value if value not in ("", [], None) else None


def zyte() -> list[BenchPage]:
    folder = data_root() / "article-extraction-benchmark"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        _page("zyte", k, v["url"], folder / "html" / f"{k}.html.gz", Gold(body=v.get("articleBody", "")))
        for k, v in sorted(truth.items())
    ]


def wcxb() -> list[BenchPage]:
    folder = data_root() / "wcxb-dev-articles"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for k, v in sorted(truth.items()):
        gold = Gold(
            body=v.get("articleBody") or "",
            with_=tuple(v.get("with") or ()),
            without=tuple(v.get("without") or ()),
            title=_field(v, "title"),
            author=_field(v, "author"),
            date=_field(v, "publish_date"),
        )
        pages.append(_page("wcxb", k, v["url"], folder / "html" / f"{k}.html.gz", gold))
    return pages


def trafilatura_eval() -> list[BenchPage]:
    folder = data_root() / "trafilatura-eval"
    truth = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    pages = []
    for k, v in sorted(truth.items()):
        gold = Gold(
            with_=tuple(v.get("with") or ()),
            without=tuple(v.get("without") or ()),
            title=_field(v, "title"),
            author=_field(v, "author"),
            date=_field(v, "date"),
        )
        pages.append(_page("trafilatura-eval", k, v["url"], folder / "html" / f"{k}.html.gz", gold))
    return pages


def htmldate_dev() -> list[BenchPage]:
    folder = data_root() / "htmldate-dev"
    truth = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    return [
        _page("htmldate-dev", k, v["url"], folder / "html" / f"{k}.html.gz", Gold(date=_field(v, "date")))
        for k, v in sorted(truth.items())
    ]


SETS = {"zyte": zyte, "wcxb": wcxb, "trafilatura-eval": trafilatura_eval, "htmldate-dev": htmldate_dev}
