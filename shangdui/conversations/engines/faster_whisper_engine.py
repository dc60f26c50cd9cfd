"""Local recognition with faster-whisper (CTranslate2); the default engine."""

from __future__ import annotations

import logging
import os
import threading

import numpy as np

from .base import EngineError, Utterance, Word

logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # its INFO lines clutter CLI output

DEFAULT_BEAM = 5
_MODELS: dict[tuple[str, str, int], object] = {}
_LOCK = threading.Lock()


def cpu_threads() -> int:
    """``SHANGDUI_ASR_THREADS`` or every core; the worker runs one recognition at a time."""
    value = os.environ.get("SHANGDUI_ASR_THREADS", "").strip()
    return int(value) if value else (os.cpu_count() or 1)


def load_model(model: str | None = None, compute_type: str = "int8", threads: int | None = None):
    """Load (once per process) the faster-whisper model; never downloads from a hub."""
    from faster_whisper import WhisperModel

    from ..models_path import resolve_model

    path = model or resolve_model()
    key = (path, compute_type, threads or cpu_threads())
    with _LOCK:
        if key not in _MODELS:
            try:
                _MODELS[key] = WhisperModel(
                    path, device="cpu", compute_type=compute_type, cpu_threads=key[2], local_files_only=True
                )
            except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError/OSError variously
                raise EngineError(f"无法加载语音模型 {path}：{exc}") from exc
        return _MODELS[key]


class FasterWhisperEngine:
    name = "faster_whisper"

    def __init__(
        self, model: str | None = None, *, beam_size: int | None = None, compute_type: str = "int8",
        threads: int | None = None,
    ) -> None:
        self.model = load_model(model, compute_type, threads)
        self.beam_size = beam_size or int(os.environ.get("SHANGDUI_ASR_BEAM_SIZE", "").strip() or DEFAULT_BEAM)

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str = "zh",
        prompt: str | None = None,
        hotwords: list[str] | None = None,
    ) -> list[Utterance]:
        segments, _info = self.model.transcribe(  # type: ignore[attr-defined]
            audio,
            language=language,
            beam_size=self.beam_size,
            initial_prompt=prompt or None,
            hotwords=" ".join(hotwords) if hotwords else None,
            word_timestamps=True,
            vad_filter=False,  # the pipeline has already cut the audio to speech
            condition_on_previous_text=False,
        )
        out: list[Utterance] = []
        for seg in segments:
            words = [Word(float(w.start), float(w.end), w.word) for w in (seg.words or [])]
            out.append(Utterance(float(seg.start), float(seg.end), seg.text, words))
        return out
