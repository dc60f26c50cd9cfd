"""Recognition on an OpenAI-compatible server (``POST /v1/audio/transcriptions``): FunASR, vLLM
and whisper servers speak it. Configured by ``SHANGDUI_ASR_URL`` (base URL, e.g.
``http://127.0.0.1:8000``), ``SHANGDUI_ASR_SERVER_MODEL`` and ``SHANGDUI_ASR_API_KEY``."""

from __future__ import annotations

import io
import os
import wave

import numpy as np

from .base import EngineError, Utterance, Word

SAMPLE_RATE = 16000


def wav_bytes(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> bytes:
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


class OpenAICompatibleEngine:
    name = "openai_compatible"

    def __init__(
        self, base_url: str | None = None, *, model: str | None = None, api_key: str | None = None,
        timeout: float = 600.0, **_ignored: object,
    ) -> None:
        url = base_url or os.environ.get("SHANGDUI_ASR_URL", "")
        if not url:
            raise EngineError("未配置识别服务地址（SHANGDUI_ASR_URL）")
        self.url = url.rstrip("/")
        if not self.url.endswith("/v1/audio/transcriptions"):
            self.url += "/v1/audio/transcriptions"
        self.model = model or os.environ.get("SHANGDUI_ASR_SERVER_MODEL", "whisper-1")
        self.api_key = api_key or os.environ.get("SHANGDUI_ASR_API_KEY", "")
        self.timeout = timeout

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str = "zh",
        prompt: str | None = None,
        hotwords: list[str] | None = None,
    ) -> list[Utterance]:
        import requests

        data: list[tuple[str, str]] = [
            ("model", self.model), ("language", language), ("response_format", "verbose_json"),
            ("timestamp_granularities[]", "word"), ("timestamp_granularities[]", "segment"),
        ]
        if prompt:
            data.append(("prompt", prompt))
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        files = {"file": ("audio.wav", wav_bytes(audio), "audio/wav")}
        try:
            resp = requests.post(self.url, data=data, files=files, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise EngineError(f"识别服务不可用：{exc}") from exc
        if resp.status_code != 200:
            raise EngineError(f"识别服务返回错误 {resp.status_code}：{resp.text[:200]}")
        try:
            body = resp.json()
        except ValueError as exc:
            raise EngineError("识别服务返回的不是 JSON") from exc
        return parse_response(body, duration=audio.size / SAMPLE_RATE)


def parse_response(body: dict, duration: float) -> list[Utterance]:
    """Accept ``verbose_json`` (segments, optional words) or plain ``{"text": ...}``."""
    words = [Word(float(w["start"]), float(w["end"]), str(w["word"])) for w in body.get("words") or []]
    segments = body.get("segments") or []
    if not segments:
        text = str(body.get("text", "")).strip()
        return [Utterance(0.0, duration, text, words)] if text else []
    out = []
    for seg in segments:
        start, end = float(seg.get("start", 0.0)), float(seg.get("end", duration))
        mine = [w for w in words if start - 0.01 <= w.start < end + 0.01]
        seg_words = [Word(float(w["start"]), float(w["end"]), str(w["word"])) for w in seg.get("words") or []]
        out.append(Utterance(start, end, str(seg.get("text", "")), seg_words or mine))
    return out
