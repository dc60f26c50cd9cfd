"""Cut an excerpt of a recording into its own small AAC (.m4a) file that phones play natively."""

from __future__ import annotations

import numpy as np

from shangdui.conversations.pipeline.decode import AudioError

EXCERPT_RATE = 16000  # speech: the analysis runs at 16 kHz too; ~8 KB/s at 64 kbit/s
FRAME = 1024  # AAC frame size


def cut_excerpt(source: str, target: str, start: float, end: float) -> float:
    """Write ``source[start:end]`` (seconds from the start of the file) as mono AAC to ``target``.

    Returns the excerpt's duration. Raises :class:`AudioError` with a Chinese reason when the
    source cannot be read or holds no audio in that range.
    """
    import av

    try:
        container = av.open(source)
    except (av.FFmpegError, OSError) as exc:
        raise AudioError("无法读取源录音：文件已损坏或不是支持的音频格式") from exc
    chunks: list[np.ndarray] = []
    try:
        if not container.streams.audio:
            raise AudioError("源文件没有音轨")
        stream = container.streams.audio[0]
        offset = float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0
        resampler = av.AudioResampler(format="flt", layout="mono", rate=EXCERPT_RATE)
        position = None  # seconds of the next resampled sample, relative to the file start
        if start > 2:
            try:
                container.seek(int((start - 1 + offset) / stream.time_base), stream=stream, backward=True)
            except av.FFmpegError:
                container.seek(0)
        for frame in container.decode(stream):
            if position is None or frame.time is not None:
                position = (frame.time - offset) if frame.time is not None else 0.0
            for out in resampler.resample(frame):
                samples = out.to_ndarray().reshape(-1)
                begin, stop = position, position + len(samples) / EXCERPT_RATE
                position = stop
                if stop <= start:
                    continue
                lo = max(0, int(round((start - begin) * EXCERPT_RATE)))
                hi = min(len(samples), int(round((end - begin) * EXCERPT_RATE)))
                if hi > lo:
                    chunks.append(samples[lo:hi])
            if position is not None and position >= end:
                break
    except av.FFmpegError as exc:
        raise AudioError("源录音解码失败：文件已损坏或被截断") from exc
    finally:
        container.close()
    pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    if len(pcm) < EXCERPT_RATE // 10:
        raise AudioError("所选时间段内没有音频")
    _encode(pcm, target)
    return len(pcm) / EXCERPT_RATE


def _encode(pcm: np.ndarray, target: str) -> None:
    import av

    pad = (-len(pcm)) % FRAME
    data = np.concatenate([pcm, np.zeros(pad, dtype=np.float32)]).astype(np.float32)
    with av.open(target, "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=EXCERPT_RATE)
        stream.layout = "mono"  # type: ignore[union-attr]
        stream.bit_rate = 64000  # type: ignore[union-attr]
        for i in range(0, len(data), FRAME):
            frame = av.AudioFrame.from_ndarray(data[None, i : i + FRAME], format="flt", layout="mono")
            frame.sample_rate = EXCERPT_RATE
            frame.pts = i
            for packet in stream.encode(frame):  # type: ignore[union-attr]
                out.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            out.mux(packet)
