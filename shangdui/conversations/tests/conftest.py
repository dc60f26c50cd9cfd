"""Shared fixtures: the public samples (../shared/samples/conversations from the repository root)
and one loaded speech model per test session."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[3]
SAMPLES = REPO.parent / "shared" / "samples" / "conversations"
EVAL_TOOL = REPO.parent / "shared" / "tools" / "eval_conversations.py"


@pytest.fixture(scope="session")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"样例目录不存在：{SAMPLES}（需要 ../shared/samples/conversations）")
    return SAMPLES


@pytest.fixture(scope="session")
def engine(tmp_path_factory):
    from shangdui.conversations.engines.faster_whisper_engine import FasterWhisperEngine

    return FasterWhisperEngine(threads=2)


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    data = samples if samples.ndim == 2 else samples[:, None]
    pcm = (np.clip(data, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(pcm.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path
