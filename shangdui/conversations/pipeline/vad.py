"""Voice-activity detection into utterances, with the Silero model that faster-whisper bundles
(an ONNX file inside the wheel: no download)."""

from __future__ import annotations

import numpy as np

from .decode import SAMPLE_RATE

Region = tuple[float, float]


def speech_regions(
    x: np.ndarray, *, min_silence_ms: int = 350, speech_pad_ms: int = 120, threshold: float = 0.5,
    min_speech_ms: int = 200,
) -> list[Region]:
    """Return (start, end) seconds of speech in 16 kHz ``x``, in order, non-overlapping."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    opts = VadOptions(
        threshold=threshold, min_silence_duration_ms=min_silence_ms, speech_pad_ms=speech_pad_ms,
        min_speech_duration_ms=min_speech_ms,
    )
    stamps = get_speech_timestamps(x.astype(np.float32, copy=False), opts, sampling_rate=SAMPLE_RATE)
    out: list[Region] = []
    for s in stamps:
        start, end = s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def total_speech(regions: list[Region]) -> float:
    return sum(e - s for s, e in regions)
