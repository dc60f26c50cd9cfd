"""Bad input gives a clear reason, never a crash: empty, corrupt, truncated, mislabelled, too long."""

from __future__ import annotations

import numpy as np
import pytest

from shangdui.conversations.pipeline.decode import AudioError, decode, is_dual_mono
from shangdui.conversations.pipeline.loudness import normalise, rms_dbfs
from shangdui.conversations.pipeline.vad import speech_regions

from .conftest import write_wav


def test_empty_file(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioError, match="文件为空"):
        decode(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(AudioError, match="无法读取文件"):
        decode(str(tmp_path / "nope.wav"))


def test_corrupt_and_mislabelled(tmp_path):
    garbage = tmp_path / "call.mp3"
    garbage.write_bytes(np.random.default_rng(1).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    text = tmp_path / "notes.m4a"
    text.write_text("这不是音频文件" * 100, encoding="utf-8")
    for path in (garbage, text):
        with pytest.raises(AudioError) as info:
            decode(str(path))
        assert str(info.value)  # a reason the user can read


def test_truncated_wav_keeps_what_decodes(tmp_path, samples):
    data = (samples / "stereo" / "p02.wav").read_bytes()
    head_only = tmp_path / "head.wav"
    head_only.write_bytes(data[:44])
    with pytest.raises(AudioError):
        decode(str(head_only))
    half = tmp_path / "half.wav"
    half.write_bytes(data[: len(data) // 2])
    audio = decode(str(half))
    assert audio.n_channels == 2
    assert 7.0 < audio.duration < 10.0


def test_decodes_samples_to_16k(samples):
    stereo = decode(str(samples / "stereo" / "p01.wav"))
    assert stereo.n_channels == 2 and stereo.sample_rate == 16000
    assert abs(stereo.duration - 30.68) < 0.05
    phone = decode(str(samples / "phone" / "p02.m4a"))
    assert phone.n_channels == 1 and phone.source_rate == 8000
    assert abs(phone.duration - 17.5) < 0.2


def test_too_long_is_refused(tmp_path):
    path = write_wav(tmp_path / "long.wav", np.zeros(16000 * 5, dtype=np.float32))
    with pytest.raises(AudioError, match="音频过长"):
        decode(str(path), max_duration=2.0)


def test_dual_mono_detected(tmp_path):
    tone = np.sin(np.arange(16000) * 0.05).astype(np.float32) * 0.3
    path = write_wav(tmp_path / "dual.wav", np.stack([tone, tone], axis=1))
    assert is_dual_mono(decode(str(path)))


def test_loudness_normalise_and_silence_has_no_speech():
    rng = np.random.default_rng(0)
    quiet = (rng.standard_normal(16000 * 2) * 0.001).astype(np.float32)
    assert rms_dbfs(normalise(quiet)) > rms_dbfs(quiet) + 20
    assert np.abs(normalise(quiet * 500)).max() <= 1.0
    assert speech_regions(np.zeros(16000 * 3, dtype=np.float32)) == []
