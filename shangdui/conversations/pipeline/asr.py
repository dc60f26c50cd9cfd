"""Speech recognition over the VAD regions of one signal.

The regions are packed into one signal with short silences between them, so the model sees only
speech (faster than recognising the whole recording, and no hallucinations in long silences), and
word times are mapped back onto the original timeline.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from ..engines.base import Engine, Word
from ..text import to_simplified
from .decode import SAMPLE_RATE
from .vad import Region

GAP_S = 0.3
MAX_PACK_S = 600.0


@dataclass
class TimeMap:
    packed_starts: list[float]
    regions: list[Region]

    def to_original(self, t: float, *, forward: bool = False) -> float:
        """Map a packed time back; a time inside an inserted gap snaps to the next region's start
        when ``forward`` (word starts) or to the previous region's end (word ends)."""
        i = max(0, bisect.bisect_right(self.packed_starts, t) - 1)
        start, end = self.regions[i]
        original = start + (t - self.packed_starts[i])
        if original <= end:
            return original
        if forward and i + 1 < len(self.regions):
            return self.regions[i + 1][0]
        return end


def pack(x: np.ndarray, regions: list[Region], gap_s: float = GAP_S) -> tuple[np.ndarray, TimeMap]:
    gap = np.zeros(int(gap_s * SAMPLE_RATE), dtype=np.float32)
    parts: list[np.ndarray] = []
    starts: list[float] = []
    pos = 0
    for start, end in regions:
        chunk = x[int(start * SAMPLE_RATE): int(end * SAMPLE_RATE)]
        starts.append(pos / SAMPLE_RATE)
        parts.extend((chunk, gap))
        pos += chunk.size + gap.size
    packed = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return packed.astype(np.float32, copy=False), TimeMap(starts, list(regions))


def recognise(
    engine: Engine, x: np.ndarray, regions: list[Region], *, prompt: str | None = None,
    hotwords: list[str] | None = None, language: str = "zh",
) -> list[Word]:
    """Words with original-timeline times, in Simplified Chinese, in time order."""
    words: list[Word] = []
    for group in _groups(regions):
        words.extend(_recognise_group(engine, x, group, prompt=prompt, hotwords=hotwords, language=language))
    words.sort(key=lambda w: w.start)
    return words


def _groups(regions: list[Region], max_s: float = MAX_PACK_S) -> list[list[Region]]:
    """Split the regions so that no packed signal is longer than ``max_s`` (bounded memory)."""
    groups: list[list[Region]] = []
    size = 0.0
    for region in regions:
        length = region[1] - region[0] + GAP_S
        if not groups or size + length > max_s:
            groups.append([])
            size = 0.0
        groups[-1].append(region)
        size += length
    return groups


def _recognise_group(
    engine: Engine, x: np.ndarray, regions: list[Region], *, prompt, hotwords, language,
) -> list[Word]:
    packed, tmap = pack(x, regions)
    utterances = engine.transcribe(packed, language=language, prompt=prompt, hotwords=hotwords)
    words: list[Word] = []
    for utt in utterances:
        items = utt.words or [Word(utt.start, utt.end, utt.text)]
        for w in items:
            text = to_simplified(w.text)
            if not text.strip():
                continue
            start = tmap.to_original(w.start, forward=True)
            end = max(start, tmap.to_original(max(w.end - 1e-3, w.start)))
            words.append(Word(start, end, text))
    return words
