"""Near-duplicate benchmark: newsdesk's Redis index against datasketch MinHashLSH on one labelled stream.

    .venv/bin/python bench/dedupe.py                      # ~20k docs: precision, recall, ms/doc, bytes/doc
    .venv/bin/python bench/dedupe.py --scale 1000000      # latency per 100k window + memory, PNG in bench/out

One private redis-server is started and flushed before each system, so
``used_memory`` deltas are its own.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import redis
from dedupe_eval import Judge, Score, table
from dedupe_peers import DatasketchLSH, Newsdesk, System
from dedupe_redis import BenchRedis
from dedupe_stream import Doc, generate

OUT = Path(__file__).parent / "out"


def server_cpu(client: redis.Redis) -> float:
    cpu = client.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def run(system: System, docs: list[Doc], client: redis.Redis) -> Score:
    client.flushall()
    base = int(client.info("memory")["used_memory"])
    cpu0 = time.process_time() + server_cpu(client)
    judge, score = Judge(), Score(system.name)
    for doc in docs:
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
    print(f"stream: {len(docs)} docs, seed {args.seed}, generated in {time.perf_counter() - t0:.1f}s")
    systems: list[System] = [Newsdesk(client)]
    if not args.only_newsdesk:
        systems += [
            DatasketchLSH(0.5),
            DatasketchLSH(0.3),
            DatasketchLSH(0.5, redis_port=server.port),
        ]
    scores = []
    for system in systems:
        score = run(system, docs, client)
        if isinstance(system, DatasketchLSH) and "memory" in system.name:
            score.redis_bytes = None
        scores.append(score)
        print(f"  done {system.name}: {score.ms_per_doc:.3f} ms/doc", flush=True)
    print()
    print(table(scores))


def scale(args: argparse.Namespace, client: redis.Redis) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    client.flushall()
    base = int(client.info("memory")["used_memory"])
    system = Newsdesk(client)
    window, windows, memory = args.window, [], []
    print(f"{'docs':>9}{'ms/doc':>9}{'p99 ms':>9}{'redis B/doc':>13}")
    batch: list[float] = []
    for total, doc in enumerate(generate(args.scale, args.seed, short=True), start=1):
        start = time.perf_counter()
        system.check(doc.doc_id, doc.text)
        batch.append(time.perf_counter() - start)
        if len(batch) == window or total == args.scale:
            spent = sum(batch)
            used = int(client.info("memory")["used_memory"]) - base
            batch.sort()
            windows.append((total, 1000 * spent / len(batch), 1000 * batch[int(0.99 * (len(batch) - 1))]))
            memory.append((total, used / total))
            print(f"{total:>9}{windows[-1][1]:>9.3f}{windows[-1][2]:>9.3f}{used / total:>13.0f}", flush=True)
            batch = []
    OUT.mkdir(exist_ok=True)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.plot([w[0] for w in windows], [w[1] for w in windows], marker="o", label="mean")
    ax1.plot([w[0] for w in windows], [w[2] for w in windows], marker=".", label="p99")
    ax1.set_xlabel("documents indexed")
    ax1.set_ylabel(f"ms per document (window of {window})")
    ax1.set_ylim(bottom=0)
    ax1.legend()
    ax2.plot([m[0] for m in memory], [m[1] for m in memory], marker="o")
    ax2.set_xlabel("documents indexed")
    ax2.set_ylabel("Redis used_memory bytes per document")
    ax2.set_ylim(bottom=0)
    fig.suptitle("newsdesk DedupeIndex at scale")
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = BenchRedis(Path(tmp))
        try:
            if args.scale:
                scale(args, server.client)
            else:
                compare(args, server, server.client)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
