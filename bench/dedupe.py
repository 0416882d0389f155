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
