"""Pages whose publication date newsdesk gets wrong, with every piece of evidence it had: a tuning aid.

    .venv/bin/python -m bench.date_failures [--sets htmldate-dev] [--held-out] [--key KEY]

Lists, per failing page of the tuning part (``--held-out``: the held-out part, for the
report only), gold, newsdesk's answer and source, htmldate's cached answer (from a
previous ``bench.extract`` run) and the candidates: the URL's day, each declared stamp,
each visible step, the last resorts.
"""

from __future__ import annotations

import argparse

from bench.extract_metric import date_right
from bench.extract_peers import SYSTEMS, Cache
from bench.extract_sets import SETS, BenchPage
from pipelines.decode import decode_html
from pipelines.extract import extract_article
from pipelines.extract.dates import url_date
from pipelines.extract.metadata import _declared_dates, _language
from pipelines.extract.published import _Page, _visible_steps, date_language
from pipelines.extract.selectors import PUBLISHED_META
from pipelines.extract.structured import meta_tags, read_json_ld, read_microdata
from pipelines.extract.textdates import any_time_element, entry_updated, first_written
from pipelines.extract.tree import bound, parse
from pipelines.extract.zones import headline_path


def evidence(page: BenchPage) -> list[str]:
    root = parse(bound(decode_html(page.raw)))
    if root is None:
        return ["(no html)"]
    meta = meta_tags(root)
    ld, micro = read_json_ld(root), read_microdata(root)
    headline = headline_path(root)
    language = date_language(root, _language(root, ld, meta).value, page.url)
    lines = [f"lang={language} url_day={url_date(page.url)}"]
    lines += [f"declared {d.source}: {d.value}" for d in _declared_dates("published", ld, micro, meta, PUBLISHED_META)]
    state = _Page(root, headline)
    names = ("labelled", "time", "marked", "near_headline", "area")
    lines += [
        f"visible {name}: {found.value}" for name, found in zip(names, _visible_steps(state, language), strict=True)
    ]
    lines.append(f"any_time: {any_time_element(root)}  entry_updated: {entry_updated(root)}")
    lines.append(f"first_written: {first_written(state.runs, language)}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", default="htmldate-dev")
    parser.add_argument("--held-out", action="store_true")
    parser.add_argument("--key", default="")
    parser.add_argument("--quiet", action="store_true", help="one line per failure, no evidence")
    args = parser.parse_args()
    peer = next(s for s in SYSTEMS if s.name == "htmldate (extensive)")
    cache = Cache(peer) if peer.available else None
    for set_name in args.sets.split(","):
        pages = [p for p in SETS[set_name]() if p.held_out == args.held_out and p.gold.date != "MISSING"]
        if args.key:
            pages = [p for p in pages if p.key == args.key]
        wrong = 0
        for page in pages:
            ours = extract_article(page.raw, page.url).metadata.published
            if date_right(page.gold.date, ours.value) and not args.key:
                continue
            wrong += 1
            theirs = cache.get(set_name, page.digest, page.url) if cache else None
            peer_date = theirs.date if theirs else "?"
            mark = "H+" if theirs and date_right(page.gold.date, theirs.date) else "H-"
            source = ours.source.value if ours.source else "-"
            print(f"{mark} {page.key} gold={page.gold.date} ours={ours.value} ({source}) htmldate={peer_date}")
            print(f"   {page.url}")
            if not args.quiet:
                for line in evidence(page):
                    print(f"   {line}")
        print(f"{set_name}: {wrong} wrong of {len(pages)}")


if __name__ == "__main__":
    main()
