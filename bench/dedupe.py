"""Near-duplicate benchmark: newsdesk's Redis index against datasketch MinHashLSH and a TF-IDF baseline.

    .venv/bin/python -m bench.dedupe                  # synthetic stream, rewritten-copy stream, budgets
    .venv/bin/python -m bench.dedupe --quick          # the same on small streams (a minute or two)
    .venv/bin/python -m bench.dedupe --scale 1000000  # latency per 100k window + memory, PNG in bench/out

One run prints (a) the synthetic stream (bench/dedupe_stream.py: exact, near and spun variants), (b) the
rewritten-copy stream over real article bodies (bench/dedupe_rewritten.py; tuning and held-out domains
apart, per rewording profile) and (c) the dedupe stage's CPU and Redis bytes per article on the Zyte pages.
Real bodies are read from ../shared/data next to the repository root (NEWSDESK_BENCH_DATA overrides).
One private redis-server is started and flushed before each system, so ``used_memory`` deltas are its own.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import redis

from bench import dedupe_budget, dedupe_rewritten, dedupe_rewritten_eval, dedupe_semantic
from bench.dedupe_eval import Judge, Score, table
from bench.dedupe_peers import DatasketchLSH, Newsdesk, System
from bench.dedupe_redis import BenchRedis
from bench.dedupe_stream import Doc, generate

OUT = Path(__file__).parent / "out"


def server_cpu(client: redis.Redis) -> float:
    cpu = client.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def run(system: System, docs: list[Doc], client: redis.Redis) -> Score:
    client.flushall()
    base = int(client.info("memory")["used_memory"])
    cpu0 = time.process_time() + server_cpu(client)
    judge, score = Judge(), Score(system.name)
    for done, doc in enumerate(docs, start=1):
        if done % 5000 == 0:
            print(f"    {system.name}: {done}/{len(docs)}", flush=True)
        positive = judge.observe(doc.doc_id, doc.story)
        start = time.perf_counter()
        named = system.check(doc.doc_id, doc.text)
        score.seconds.append(time.perf_counter() - start)
        judge.score(score, doc.doc_id, doc.variant, positive, named)
    score.docs = len(docs)
    score.cpu_seconds = time.process_time() + server_cpu(client) - cpu0
    score.redis_bytes = int(client.info("memory")["used_memory"]) - base
    return score


def compare(args: argparse.Namespace, server: BenchRedis, client: redis.Redis) -> None:
    t0 = time.perf_counter()
    docs = list(generate(args.docs, args.seed))
    print(f"(a) synthetic stream: {len(docs)} docs, seed {args.seed}, generated in {time.perf_counter() - t0:.1f}s")
    systems: list[System] = [Newsdesk(client)]
    if not args.only_newsdesk:
        systems += [DatasketchLSH(0.5), DatasketchLSH(0.3)]
        if not args.quick:
            systems.append(DatasketchLSH(0.5, redis_port=server.port))
    scores = []
    for system in systems:
        score = run(system, docs, client)
        if isinstance(system, DatasketchLSH) and "memory" in system.name:
            score.redis_bytes = None
        scores.append(score)
        print(f"  done {system.name}: {score.ms_per_doc:.3f} ms/doc", flush=True)
    print()
    print(table(scores), flush=True)


def _named(
    system: System, stream: list[dedupe_rewritten.StreamDoc], client: redis.Redis
) -> tuple[list[str | None], float]:
    """What ``system`` names for each document, and Redis bytes per document (newsdesk's index)."""
    client.flushall()
    base = int(client.info("memory")["used_memory"])
    named: list[str | None] = []
    for done, item in enumerate(stream, start=1):
        named.append(system.check(item.doc.doc_id, item.doc.text))
        if done % 1000 == 0:
            print(f"    {system.name}: {done}/{len(stream)}", flush=True)
    return named, (int(client.info("memory")["used_memory"]) - base) / max(1, len(stream))


def rewritten(args: argparse.Namespace, client: redis.Redis) -> None:
    t0 = time.perf_counter()
    originals = dedupe_rewritten.load()
    if args.quick:
        originals = originals[:: max(1, len(originals) // 240)]
    stream = list(dedupe_rewritten.generate(originals, seed=args.seed, copies_per=(1, 3)))
    print(
        f"(b) rewritten-copy stream: {len(originals)} real bodies, {len(stream)} docs, seed {args.seed},"
        f" generated in {time.perf_counter() - t0:.1f}s",
        flush=True,
    )
    scores = []
    systems: list[System] = [Newsdesk(client, namespace="rewritten")]
    if not args.only_newsdesk:
        systems += [DatasketchLSH(t) for t in (0.5, 0.3, 0.2)]
    for system in systems:
        named, per_doc = _named(system, stream, client)
        note = f"Redis {per_doc:.0f} bytes/doc on this stream" if isinstance(system, Newsdesk) else ""
        scores.append(dedupe_rewritten_eval.score(system.name, stream, named, note=note))
    if not args.only_newsdesk:
        print("    TF-IDF cosine against every earlier document ...", flush=True)
        matches, cpu = dedupe_semantic.best_earlier([s.doc.text for s in stream])
        scores.append(dedupe_rewritten_eval.semantic(stream, matches, 1000 * cpu))
    print()
    print(dedupe_rewritten_eval.table(scores, stream), flush=True)
    print()
    texts = ["\n".join(o.paragraphs) for o in dedupe_rewritten.load() if o.from_zyte]
    print("(c) " + dedupe_budget.measure(texts, client).describe(), flush=True)
    if args.posting_shards:
        print("(c') " + dedupe_budget.measure(texts, client, args.posting_shards).describe(), flush=True)


def scale(args: argparse.Namespace, client: redis.Redis) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    client.flushall()
    base = int(client.info("memory")["used_memory"])
    system = Newsdesk(client)
    rows: list[tuple[int, float, float, float, float]] = []  # docs, ms/doc, p99, cpu ms/doc, bytes/doc
    print(f"{'docs':>9}{'ms/doc':>9}{'p99 ms':>9}{'cpu ms/doc':>12}{'redis B/doc':>13}")
    batch: list[float] = []
    client_cpu, server0 = 0.0, server_cpu(client)
    for total, doc in enumerate(generate(args.scale, args.seed, short=True), start=1):
        cpu_start, start = time.process_time(), time.perf_counter()
        system.check(doc.doc_id, doc.text)
        batch.append(time.perf_counter() - start)
        client_cpu += time.process_time() - cpu_start  # generation excluded
        if total % args.window == 0 or total == args.scale or total == args.window // 10:
            server1 = server_cpu(client)
            used = int(client.info("memory")["used_memory"]) - base
            batch.sort()
            row = (
                total,
                1000 * sum(batch) / len(batch),
                1000 * batch[int(0.99 * (len(batch) - 1))],
                1000 * (client_cpu + server1 - server0) / len(batch),
                used / total,
            )
            rows.append(row)
            print(f"{row[0]:>9}{row[1]:>9.3f}{row[2]:>9.3f}{row[3]:>12.3f}{row[4]:>13.0f}", flush=True)
            batch, client_cpu, server0 = [], 0.0, server1
    OUT.mkdir(exist_ok=True)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    docs = [r[0] for r in rows]
    ax1.plot(docs, [r[1] for r in rows], marker="o", label="wall, mean")
    ax1.plot(docs, [r[3] for r in rows], marker="s", label="CPU (client + redis-server)")
    ax1.axhline(1.0, color="grey", linestyle="--", label="target 1 ms")
    ax1.set_xscale("log")
    ax1.set_xlabel("documents indexed")
    ax1.set_ylabel("ms per document, per window")
    ax1.set_ylim(0, max(2.0, *(r[1] for r in rows)) * 1.1)
    ax1.legend()
    ax2.plot(docs, [r[4] for r in rows], marker="o", label="used_memory / documents")
    ax2.axhline(1024, color="grey", linestyle="--", label="budget 1 KB")
    ax2.set_xscale("log")
    ax2.set_xlabel("documents indexed")
    ax2.set_ylabel("Redis bytes per document")
    ax2.set_ylim(0, 1200)
    ax2.legend()
    fig.suptitle("newsdesk DedupeIndex at scale (p99 per window in the printed table)")
    fig.tight_layout()
    path = OUT / f"dedupe_scale_{args.scale}.png"
    fig.savefig(path)
    print(f"plot: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=int, default=0, help="latency/memory curve over this many documents")
    parser.add_argument("--window", type=int, default=100_000)
    parser.add_argument("--only-newsdesk", action="store_true")
    parser.add_argument("--posting-shards", type=int, default=0, help="(c) again with the postings over N shards")
    parser.add_argument("--quick", action="store_true", help="small streams, no datasketch-on-Redis run")
    parser.add_argument("--skip-synthetic", action="store_true", help="only the rewritten stream and budgets")
    args = parser.parse_args()
    if args.quick and args.docs == parser.get_default("docs"):
        args.docs = 3000
    with tempfile.TemporaryDirectory() as tmp:
        server = BenchRedis(Path(tmp))
        try:
            if args.scale:
                scale(args, server.client)
            else:
                if not args.skip_synthetic:
                    compare(args, server, server.client)
                    print()
                rewritten(args, server.client)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
