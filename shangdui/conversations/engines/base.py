"""The one small interface every speech-recognition engine implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


class EngineError(RuntimeError):
    """Recognition failed for a reason worth retrying or showing (server down, model missing)."""


@dataclass
class Word:
    start: float
    end: float
    text: str


@dataclass
class Utterance:
    """A stretch of recognised speech; ``words`` may be empty when the engine gives no word times."""

    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)


class Engine(Protocol):
    name: str

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str = "zh",
        prompt: str | None = None,
        hotwords: list[str] | None = None,
    ) -> list[Utterance]:
        """Recognise 16 kHz float32 mono ``audio``; times are seconds from its start."""
        ...


def get_engine(name: str | None = None, **options: object) -> Engine:
    """``faster_whisper`` (default) or ``openai_compatible`` (``SHANGDUI_ASR_ENGINE``)."""
    import os

    name = (name or os.environ.get("SHANGDUI_ASR_ENGINE") or "faster_whisper").replace("-", "_")
    if name == "faster_whisper":
        from .faster_whisper_engine import FasterWhisperEngine

        return FasterWhisperEngine(**options)  # type: ignore[arg-type]
    if name == "openai_compatible":
        from .openai_compatible import OpenAICompatibleEngine

        return OpenAICompatibleEngine(**options)  # type: ignore[arg-type]
    raise EngineError(f"未知的识别引擎：{name}")
