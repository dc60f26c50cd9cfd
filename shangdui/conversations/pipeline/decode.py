"""Decode any audio file PyAV/ffmpeg can read into float32 16 kHz channels.

Bad input never escapes as a library exception: it becomes :class:`AudioError` with a Chinese
reason that the job status and the CLI show as-is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

SAMPLE_RATE = 16000
MAX_DURATION_S = 3 * 3600  # the product accepts 2 h; refuse clearly past 3 h instead of running out of memory
MAX_BYTES = 600 * 1024 * 1024


class AudioError(ValueError):
    """The file cannot be analysed; ``str(exc)`` is the user-facing reason."""


@dataclass
class Audio:
    """Decoded audio: ``channels`` has shape (n_channels, n_samples) at :data:`SAMPLE_RATE`.

    ``offset`` is the container's start time in seconds (MP3 and AAC often start at ~0.1 s);
    timestamps are reported relative to the start of the file so they match what a player shows.
    """

    channels: np.ndarray
    sample_rate: int = SAMPLE_RATE
    source_rate: int = SAMPLE_RATE
    offset: float = 0.0

    @property
    def duration(self) -> float:
        return self.channels.shape[1] / self.sample_rate

    @property
    def n_channels(self) -> int:
        return int(self.channels.shape[0])

    def mono(self) -> np.ndarray:
        if self.n_channels == 1:
            return self.channels[0]
        return self.channels.mean(axis=0).astype(np.float32)


def decode(path: str, *, max_duration: float = MAX_DURATION_S) -> Audio:
    """Decode ``path`` to float32 PCM in [-1, 1], keeping up to two channels."""
    import av

    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise AudioError(f"无法读取文件：{exc.strerror or exc}") from exc
    if size == 0:
        raise AudioError("文件为空")
    if size > MAX_BYTES:
        raise AudioError("文件过大（超过 600 MB）")
    try:
        container = av.open(path, mode="r")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise AudioError("无法识别的音频格式或文件已损坏") from exc
    with container:
        streams = [s for s in container.streams if s.type == "audio"]
        if not streams:
            raise AudioError("文件中没有音频流")
        stream: Any = streams[0]  # an AudioStream; PyAV's stubs type streams generically
        n_in = stream.codec_context.channels or 1
        layout = "stereo" if n_in >= 2 else "mono"
        source_rate = stream.codec_context.sample_rate or SAMPLE_RATE
        duration = float(container.duration or 0) / 1_000_000
        if duration > max_duration:
            raise AudioError(f"音频过长（{duration / 3600:.1f} 小时，上限 {max_duration / 3600:.0f} 小时）")
        start = float(stream.start_time * stream.time_base) if stream.start_time and stream.time_base else 0.0
        resampler = av.AudioResampler(format="s16", layout=layout, rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        total = 0
        limit = int(max_duration * SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                frame.pts = None  # let the resampler ignore gaps in damaged timestamps
                for out in resampler.resample(frame):  # type: ignore[arg-type]
                    arr = out.to_ndarray().reshape(-1)
                    chunks.append(arr)
                    total += arr.size
                if total > limit * (2 if layout == "stereo" else 1):
                    raise AudioError(f"音频过长（上限 {max_duration / 3600:.0f} 小时）")
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except AudioError:
            raise
        except (av.FFmpegError, ValueError, MemoryError) as exc:
            # A truncated file still yields what decoded before the damage; keep it if there is any.
            if not chunks:
                raise AudioError("音频解码失败，文件可能已损坏") from exc
    if not chunks:
        raise AudioError("文件中没有可解码的音频")
    pcm = np.concatenate(chunks).astype(np.float32) / 32768.0
    n_out = 2 if layout == "stereo" else 1
    pcm = pcm[: pcm.size - pcm.size % n_out].reshape(-1, n_out).T.copy()
    if pcm.shape[1] < SAMPLE_RATE // 10:
        raise AudioError("音频过短")
    return Audio(channels=np.ascontiguousarray(pcm), source_rate=source_rate, offset=max(start, 0.0))


def is_dual_mono(audio: Audio, tolerance: float = 1e-3) -> bool:
    """True when a 2-channel file carries the same signal twice (a mono call saved as stereo)."""
    if audio.n_channels < 2:
        return False
    a, b = audio.channels[0], audio.channels[1]
    scale = float(np.abs(a).mean() + np.abs(b).mean()) or 1.0
    return float(np.abs(a - b).mean()) / scale < tolerance
