"""Tuning knobs of the near-duplicate index, kept together so benches can vary them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DedupeParams:
    """How documents are fingerprinted and when two count as copies.

    Shingles are sampled by hash value ("keep every shingle whose hash is below
    a threshold"), so the samples of two documents are comparable for containment
    as well as resemblance: a truncated copy keeps exactly the samples of the
    part it kept.  Stored per canonical document: ``max_samples`` x 1.5 bytes plus 2
    bytes per segment holding samples (lua_common's layout).
    """

    shingle_size: int = 3
    sample_rate_bits: int = 2  # keep 1 shingle in 2**2 for verification
    index_rate_bits: int = 4  # post 1 shingle in 2**4 to the inverted index
    max_samples: int = 96  # long texts keep their 96 lowest hashes (tau drops accordingly)
    max_postings: int = 12  # posted shingles per canonical (the lowest hashes of the 1-in-16 tier)
    min_segment_tokens: int = 20  # shorter paragraphs (bylines, boilerplate lines) join the next one
    max_segment_tokens: int = 150
    max_tokens: int = 20_000  # bounded work on huge inputs: only the first 20k tokens are shingled
    min_near_tokens: int = 12  # below this only the exact key is used
    threshold: float = 0.78  # share of either text in matching paragraphs ("80% from one article")
    segment_quorum: float = 0.3  # share of a paragraph's samples that must reappear for it to match
    min_compared_samples: int = 4
    min_shared: float = 0.35  # plain share of samples in common (smaller text): a floor against chance
    candidates: int = 3  # canonicals verified per call, most shared postings first
    evict_per_call: int = 3  # > 1, so eviction outpaces inserts and memory stays bounded
    posting_cap: int = 15  # canonicals per posted feature: a shingle common to many stories is no evidence
    # Rewritten copies (anchors.py): judged on the same candidates by their names-and-numbers pairs.
    # Set on the tuning half of bench/dedupe_rewritten.py (domains not held out) and the synthetic stream:
    # follow-up reports on the same people and figures share at most ~0.3 of the larger text's anchor pairs;
    # synthetic mixes of two stories share up to ~0.6, but only in the part taken from each, so the shared
    # pairs must also spread over both texts (anchor_cover): then 0.35 suffices.
    max_anchor_chars: int = 100_000  # bounded work: anchors are read from the first 100k characters
    min_anchor_features: int = 5  # fewer anchor pairs than this: the text is not judged for rewording
    max_anchor_samples: int = 48  # 1.5 bytes each per canonical
    rewrite_threshold: float = 0.35  # anchor pairs in common over the larger text's count
    anchor_cover: float = 0.8  # share of each text's pairs in regions (quarters) where shared pairs are common
    anchor_region_quorum: float = 0.15  # a region counts when at least this share of its pairs is shared
    min_anchor_shared: int = 6  # and at least this many in common: a floor against chance
    anchor_post_rate_bits: int = 2  # 1 anchor pair in 2**2 of the sample is posted to the inverted index
    rewrite_candidates: int = 6  # canonicals checked for rewording, most shared postings first
