"""Loudness normalisation: bring speech to a common level so VAD thresholds and recognition
behave the same for a quiet recorder badge and a hot phone line."""

from __future__ import annotations

import numpy as np

TARGET_DBFS = -20.0
FRAME = 400  # 25 ms at 16 kHz


def normalise(x: np.ndarray, target_dbfs: float = TARGET_DBFS, max_gain_db: float = 30.0) -> np.ndarray:
    """Scale ``x`` so its loudest 30 % of frames have ``target_dbfs`` RMS; never amplifies silence
    by more than ``max_gain_db`` and soft-limits peaks instead of clipping them."""
    if x.size < FRAME:
        return x.astype(np.float32, copy=True)
    n = x.size // FRAME
    frames = x[: n * FRAME].reshape(n, FRAME)
    rms = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1) + 1e-12)
    loud = np.sort(rms)[int(n * 0.7):]
    level = float(np.sqrt((loud**2).mean())) if loud.size else 0.0
    if level <= 1e-6:
        return x.astype(np.float32, copy=True)
    gain_db = min(target_dbfs - 20 * np.log10(level), max_gain_db)
    y = x.astype(np.float32) * np.float32(10 ** (gain_db / 20))
    peak = float(np.abs(y).max())
    if peak > 0.99:
        y = np.tanh(y).astype(np.float32)  # soft limit keeps the waveform shape of loud bursts
    return y


def rms_dbfs(x: np.ndarray) -> float:
    value = float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0
    return 20 * np.log10(max(value, 1e-10))
