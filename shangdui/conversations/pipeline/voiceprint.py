"""Voice profiles (声纹): a member's voice as a fixed-size embedding, and matching it to diarized voices.

The embedding is the mean and variance of 19 mel-cepstral coefficients (c1..c19, the same features as
the mono diarization in :mod:`.speakers`) over the speech frames of 20-60 s of the member's speech: a
diagonal Gaussian of their voice, 38 numbers, no model download. A diarized voice of a recording is
compared with the profile by the symmetric Kullback-Leibler divergence between the two Gaussians per
dimension; the closest voice is the member's when it is clearly closer than the others and close in
absolute terms.

Limits: cepstral statistics describe the voice *and* the microphone/line. Enrolling on the same kind of
device as the recordings (the badge, the phone line) matches best; a narrow-band phone call against a
wide-band enrolment is compared on the common band only (0-3.4 kHz, see :data:`PHONE_DIMS`) and with a
looser threshold. Two similar voices (same sex, same age) can be confused, which is why the match also
needs a margin over the other voices; below it the content-based roles apply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .speakers import FRAME_RATE, logmel_frames
from .vad import Region

METHOD = "mfcc-gauss-v1"
MIN_SPEECH_S = 10.0  # below this the statistics are too noisy to be a profile
DIMS = 19

# The profile matches a voice when its divergence is at most MAX_DIVERGENCE (per dimension) and at most
# MARGIN times the next-closest voice's.
MAX_DIVERGENCE = 0.25
MARGIN = 0.5

# Wide band: the 80 Whisper mel bands (0-8 kHz). Narrow band: the telephone band, mel bands 7..56
# (about 300-3200 Hz), so that a phone call compares with a wide-band enrolment on what both have.
WIDE = slice(0, 80)
NARROW = slice(7, 57)
NARROWBAND_DROP = -0.6  # mean log-mel above 4.3 kHz minus the telephone band, Whisper's scale


def _dct(bands: int) -> np.ndarray:
    k = np.arange(bands)
    return np.cos(np.pi / bands * (k[None, :] + 0.5) * np.arange(1, DIMS + 1)[:, None])


_DCT_WIDE, _DCT_NARROW = _dct(80), _dct(NARROW.stop - NARROW.start)


@dataclass
class Gaussian:
    mean: np.ndarray
    var: np.ndarray

    def to_json(self) -> dict:
        return {"mean": [round(float(v), 5) for v in self.mean], "var": [round(float(v), 6) for v in self.var]}

    @classmethod
    def from_json(cls, data: dict) -> Gaussian:
        mean = np.asarray(data["mean"], dtype=np.float64)
        var = np.asarray(data["var"], dtype=np.float64)
        if mean.shape != (DIMS,) or var.shape != (DIMS,) or (var <= 0).any():
            raise ValueError("not a voiceprint")
        return cls(mean, var)


@dataclass
class Voiceprint:
    """A voice: a diagonal Gaussian of its cepstra over the full band and over the telephone band."""

    wide: Gaussian
    narrow: Gaussian
    speech_seconds: float

    def to_json(self) -> dict:
        return {"method": METHOD, "wide": self.wide.to_json(), "narrow": self.narrow.to_json()}

    @classmethod
    def from_json(cls, data: dict, speech_seconds: float = 0.0) -> Voiceprint:
        if data.get("method") != METHOD:
            raise ValueError("unknown voiceprint method")
        return cls(Gaussian.from_json(data["wide"]), Gaussian.from_json(data["narrow"]), speech_seconds)


def _speech(mel: np.ndarray, regions: list[Region]) -> np.ndarray:
    """(frames, 80) log-mel frames inside the regions."""
    spans = [mel[:, int(s * FRAME_RATE) : max(int(e * FRAME_RATE), int(s * FRAME_RATE) + 1)] for s, e in regions]
    spans = [f for f in spans if f.shape[1]]
    return np.concatenate(spans, axis=1).T if spans else np.zeros((0, mel.shape[0]))


def _gaussian(frames: np.ndarray) -> Gaussian:
    return Gaussian(frames.mean(axis=0), frames.var(axis=0) + 1e-3)


def _print(frames: np.ndarray, speech_seconds: float) -> Voiceprint:
    wide = frames[:, WIDE] @ _DCT_WIDE.T
    narrow = frames[:, NARROW] @ _DCT_NARROW.T
    return Voiceprint(_gaussian(wide), _gaussian(narrow), speech_seconds)


def is_narrowband(mel: np.ndarray) -> bool:
    """A telephone recording (8 kHz: nothing above 4 kHz), from its louder half of the frames."""
    energy = mel.mean(axis=0)
    loud = mel[:, energy >= np.median(energy)]
    return bool(loud[64:].mean() - loud[NARROW].mean() < NARROWBAND_DROP)


def enrol(x: np.ndarray, regions: list[Region]) -> Voiceprint:
    """The voiceprint of one speaker's recording (16 kHz mono, loudness-normalised, VAD regions).
    Raises ValueError when there is less than :data:`MIN_SPEECH_S` of speech."""
    speech = sum(e - s for s, e in regions)
    if speech < MIN_SPEECH_S:
        raise ValueError(f"{speech:.1f}")
    return _print(_speech(logmel_frames(x), regions), speech)


def voices(x: np.ndarray, regions: list[Region], labels: list[str]) -> tuple[dict[str, Voiceprint], bool]:
    """One voiceprint per diarized speaker label of a recording, and whether it is narrow-band."""
    mel = logmel_frames(x)
    out: dict[str, Voiceprint] = {}
    for label in dict.fromkeys(labels):
        mine = [r for r, lab in zip(regions, labels, strict=True) if lab == label]
        frames = _speech(mel, mine)
        if len(frames) >= FRAME_RATE // 2:
            out[label] = _print(frames, sum(e - s for s, e in mine))
    return out, is_narrowband(mel)


def divergence(a: Gaussian, b: Gaussian) -> float:
    """Symmetric KL divergence between two diagonal Gaussians, averaged over the dimensions."""
    d2 = (a.mean - b.mean) ** 2
    kl = 0.5 * (a.var / b.var + b.var / a.var - 2 + d2 * (1 / a.var + 1 / b.var))
    return float(kl.mean())


def match(
    profile: Voiceprint,
    candidates: dict[str, Voiceprint],
    *,
    narrowband: bool = False,
) -> tuple[str, float] | None:
    """The label of the voice that is the profile's speaker, with a confidence 0..1; None when no voice
    is close enough, or (with two or more voices) none is clearly closer than the others. A
    narrow-band (telephone) recording is compared on the telephone band."""
    if not candidates:
        return None
    scored = sorted(
        (divergence(profile.narrow, v.narrow) if narrowband else divergence(profile.wide, v.wide), label)
        for label, v in candidates.items()
    )
    best, label = scored[0]
    if best > MAX_DIVERGENCE:
        return None
    if len(scored) == 1:
        return label, float(np.clip(1.0 - best / MAX_DIVERGENCE, 0.5, 0.99))
    second = scored[1][0]
    ratio = best / max(second, 1e-9)
    if ratio > MARGIN:
        return None
    return label, float(np.clip(0.5 + 0.5 * (1.0 - ratio / MARGIN) + 0.2, 0.5, 0.99))
