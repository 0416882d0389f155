"""The 12-bit packing of stored sample values (features.Fingerprint.stored, anchors.stored_anchors)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

STORED_BITS = 12  # bits of a stored sample value: the hash scaled to its sample's own threshold


def scaled(values: npt.NDArray[np.uint64], tau: int) -> npt.NDArray[np.uint64]:
    """``values`` (each below ``tau``) as ``value * 4096 // tau``: order kept, spread over all 4,096 values."""
    return (values << np.uint64(STORED_BITS)) // np.uint64(tau)


def pack12(values: npt.NDArray[np.uint64]) -> bytes:
    """12-bit values two to 3 bytes, high bits first (an odd count ends in a zero half)."""
    halves = values.astype(np.uint16)
    if len(halves) % 2:
        halves = np.append(halves, np.uint16(0))
    first, second = halves[0::2], halves[1::2]
    return np.stack([first >> 4, ((first & 15) << 4) | (second >> 8), second & 255], axis=1).astype(np.uint8).tobytes()
