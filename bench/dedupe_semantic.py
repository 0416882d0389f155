"""The semantic baseline of the rewritten-copy bench: TF-IDF cosine against every earlier document.

Word uni- and bigrams, sublinear tf, IDF fitted on the whole stream (an advantage the online systems do not
get).  Each document is compared with all earlier ones (exhaustive, no index: the most a bag-of-words
similarity can do) and keeps its best score; the threshold is chosen afterwards on the tuning part alone
(highest recall at precision >= the floor, else the best F1) and applied unchanged to the held-out part.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


@dataclass(frozen=True)
class BestMatch:
    """The most similar earlier document (index into the stream, -1 for none) and its cosine."""

    index: int
    score: float


def best_earlier(texts: Sequence[str]) -> tuple[list[BestMatch], float]:
    """Best earlier match of every text, and the CPU seconds per text it took."""
    start = time.process_time()
    matrix = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1).fit_transform(texts).tocsr()
    out = [BestMatch(-1, 0.0)]
    block = 256
    for lo in range(1, len(texts), block):
        hi = min(len(texts), lo + block)
        sims = (matrix[lo:hi] @ matrix[:hi].T).toarray()
        for row in range(hi - lo):
            i = lo + row
            earlier = sims[row, :i]
            j = int(np.argmax(earlier))
            out.append(BestMatch(j, float(earlier[j])))
    return out[: len(texts)], (time.process_time() - start) / max(1, len(texts))


def decisions(matches: Sequence[BestMatch], threshold: float) -> list[int]:
    """Index each document names at ``threshold`` (-1: none)."""
    return [m.index if m.index >= 0 and m.score >= threshold else -1 for m in matches]
