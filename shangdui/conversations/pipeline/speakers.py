"""Speakers and roles.

* Stereo: one speaker per channel; which channel is the agent is configured per source.
* Mono: the VAD utterances are clustered into two voices (cepstra; k-means, then one Gaussian per
  voice and a turn-taking prior from the pauses, decoded with Viterbi; numpy only, no model
  download); a BIC-like test then keeps one voice (a monologue) or splits further (a third
  person face to face). Each voice gets a role from the member's enrolled voice profile
  (:mod:`.voiceprint`) or else from what it says (greeting, self-introduction, service phrases)
  and who speaks first, with a confidence.
"""

from __future__ import annotations

import re

import numpy as np

from ..engines.base import Word
from .decode import SAMPLE_RATE
from .types import Segment
from .vad import Region

TURN_GAP_S = 2.0  # a pause this long ends a turn even without the other speaker talking

AGENT_CUES = (
    (re.compile(r"我是.{0,12}(客服|顾问|销售|经理|专员|助理|店|小)"), 4.0),
    (re.compile(r"(请问|有什么可以帮|为您|帮您|祝您|欢迎|感谢您|稍等|给您|您看|您需要|您好)"), 1.0),
    (re.compile(r"(客服|顾问|我们(这|店|家|的))"), 1.0),
)
CUSTOMER_CUES = (
    (re.compile(r"(我想|我要|多少钱|太贵|便宜|能不能|可以吗|有没有|怎么(还|没)|我买|我的订单|不买)"), 1.0),
)


PAUSE_COMMA_S = 0.3
_ENDS_WITH_PUNCT = re.compile(r"[，。！？、；：,.!?;:]\s*$")


def join_words(words: list[Word]) -> str:
    """Concatenate words; a pause inside a turn becomes a comma when the recogniser gave none."""
    parts: list[str] = []
    for prev, word in zip([None, *words[:-1]], words, strict=True):
        if prev is not None and word.start - prev.end > PAUSE_COMMA_S and not _ENDS_WITH_PUNCT.search(prev.text):
            parts.append("，")
        parts.append(word.text)
    text = "".join(parts).strip()
    return re.sub(r"\s+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\s+", "", text)


def turns_from_words(
    labelled: list[tuple[Word, str]], gap_s: float = TURN_GAP_S
) -> list[tuple[str, list[Word]]]:
    """Group time-ordered (word, speaker) pairs into turns: a new turn when the speaker changes or
    after a pause longer than ``gap_s``."""
    turns: list[tuple[str, list[Word]]] = []
    for word, speaker in sorted(labelled, key=lambda p: p[0].start):
        if turns and turns[-1][0] == speaker and word.start - turns[-1][1][-1].end <= gap_s:
            turns[-1][1].append(word)
        else:
            turns.append((speaker, [word]))
    return turns


def segments_from_turns(
    turns: list[tuple[str, list[Word]]], roles: dict[str, tuple[str, float]]
) -> list[Segment]:
    out: list[Segment] = []
    for speaker, words in turns:
        text = join_words(words)
        if not text:
            continue
        role, conf = roles.get(speaker, ("unknown", 0.0))
        out.append(Segment(words[0].start, max(w.end for w in words), role, speaker, text, conf))
    return out


# --- mono diarization -----------------------------------------------------------------------------

FRAME_RATE = 100  # log-mel frames per second (hop 160 at 16 kHz)
_K = np.arange(80)
_DCT = np.cos(np.pi / 80 * (_K[None, :] + 0.5) * np.arange(1, 20)[:, None])  # MFCC 1..19


def logmel_frames(x: np.ndarray) -> np.ndarray:
    """(80, frames) Whisper log-mel spectrogram, 100 frames per second."""
    from faster_whisper.feature_extractor import FeatureExtractor

    fe = FeatureExtractor(feature_size=80)
    step = 60 * SAMPLE_RATE  # a minute at a time: the STFT of a 2-hour call at once needs GBs
    chunks = [fe(x[i: i + step], padding=0)[:, : min(step, x.size - i) // 160] for i in range(0, x.size, step)]
    return np.concatenate(chunks, axis=1)


def mfcc_frames(x: np.ndarray, *, remove_mean: bool = True) -> np.ndarray:
    """(frames, 19) cepstra, by default with the file's mean removed (cancels the channel: phone
    line, mic); voice profiles keep the mean (it is part of the voice)."""
    cep = (_DCT @ logmel_frames(x)).T
    return cep - cep.mean(axis=0) if remove_mean else cep


def _kmeans2(z: np.ndarray, iters: int = 30) -> np.ndarray:
    # Deterministic farthest-point initialisation in O(n): a 2-hour call has thousands of regions,
    # so no pairwise distance matrix.
    i = int(np.argmax(((z - z.mean(axis=0)) ** 2).sum(-1)))
    j = int(np.argmax(((z - z[i]) ** 2).sum(-1)))
    centres = z[[i, j]].copy()
    labels = np.full(len(z), -1)
    for _ in range(iters):
        new = ((z[:, None, :] - centres[None, :, :]) ** 2).sum(-1).argmin(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        for k in (0, 1):
            if (labels == k).any():
                centres[k] = z[labels == k].mean(axis=0)
    return labels


def _change_logprob(gap: float) -> tuple[float, float]:
    """log P(speaker changes), log P(same speaker) across a pause of ``gap`` seconds: in
    conversation a reply follows after ~0.4-1 s, while pauses inside a turn are shorter."""
    p = 1.0 / (1.0 + np.exp(-(gap - 0.42) / 0.07))
    p = float(np.clip(p, 0.05, 0.95))
    return float(np.log(p)), float(np.log(1 - p))


def _viterbi(llr: np.ndarray, gaps: list[float]) -> np.ndarray:
    """Two-state path: ``llr[i]`` favours state 0 when positive; transitions from the gaps."""
    n = len(llr)
    score = np.array([llr[0] / 2, -llr[0] / 2])
    back = np.zeros((n, 2), dtype=int)
    for i in range(1, n):
        change, stay = _change_logprob(gaps[i - 1])
        emit = np.array([llr[i] / 2, -llr[i] / 2])
        new = np.empty(2)
        for k in (0, 1):
            from_same, from_other = score[k] + stay, score[1 - k] + change
            back[i, k] = k if from_same >= from_other else 1 - k
            new[k] = max(from_same, from_other) + emit[k]
        score = new
    path = np.zeros(n, dtype=int)
    path[-1] = int(np.argmax(score))
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def _gaussians_llr(frames: list[np.ndarray], labels: np.ndarray) -> np.ndarray | None:
    """Per-region log-likelihood ratio of voice 0 over voice 1 (one diagonal Gaussian per voice)."""
    stats = []
    for k in (0, 1):
        mine = [f for f, lab in zip(frames, labels, strict=True) if lab == k and len(f)]
        if not mine:
            return None
        pool = np.concatenate(mine)
        stats.append((pool.mean(axis=0), pool.var(axis=0) + 1e-3))
    llr = np.zeros(len(frames))
    for i, f in enumerate(frames):
        if not len(f):
            continue
        ll = [(-0.5 * (((f - m) ** 2) / v + np.log(v))).sum(axis=1) for m, v in stats]
        # Frames are far from independent: count a region as ~sqrt(frames) observations.
        llr[i] = float(np.mean(ll[0] - ll[1])) * np.sqrt(len(f)) * 0.5
    return llr


def _split_two(frames: list[np.ndarray], gaps: list[float], iterations: int) -> np.ndarray:
    """Two voices: k-means over each region's mean cepstrum, then alternate Gaussians and Viterbi."""
    means = np.array([f.mean(axis=0) if len(f) else np.zeros(_DCT.shape[0]) for f in frames])
    z = (means - means.mean(axis=0)) / (means.std(axis=0) + 1e-6)
    labels = _kmeans2(z)
    for _ in range(iterations):
        if labels.min() == labels.max():
            break
        llr = _gaussians_llr(frames, labels)
        if llr is None:
            break
        new = _viterbi(llr, gaps)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels


# Speaker count. Two voices are kept apart when one Gaussian per voice explains the frames better
# than one Gaussian for both by more than SPLIT_GAIN nats per frame and dimension (a BIC-like test
# with a penalty calibrated on the samples: a second real voice gains clearly more than an
# arbitrary split of one voice), and the smaller voice speaks for at least MIN_VOICE_S.
SPLIT_GAIN = 0.03
MIN_VOICE_S = 1.5


def split_gain(frames: list[np.ndarray], labels: np.ndarray) -> float:
    """Log-likelihood gain per frame and dimension of two diagonal Gaussians over one."""
    parts = [np.concatenate([f for f, lab in zip(frames, labels, strict=True) if lab == k and len(f)] or
                            [np.zeros((0, _DCT.shape[0]))]) for k in (0, 1)]
    if min(len(p) for p in parts) < 2:
        return 0.0
    pool = np.concatenate(parts)

    def loglik(p: np.ndarray) -> float:
        return -0.5 * len(p) * float(np.log(p.var(axis=0) + 1e-3).sum())

    gain = loglik(parts[0]) + loglik(parts[1]) - loglik(pool)
    return gain / (len(pool) * pool.shape[1])


def _distinct(frames: list[np.ndarray], labels: np.ndarray) -> bool:
    if labels.min() == labels.max():
        return False
    speech = [sum(len(f) for f, lab in zip(frames, labels, strict=True) if lab == k) / FRAME_RATE for k in (0, 1)]
    return min(speech) >= MIN_VOICE_S and split_gain(frames, labels) > SPLIT_GAIN


def diarize(x: np.ndarray, regions: list[Region], *, iterations: int = 4, max_speakers: int = 2,
            min_speakers: int = 2) -> list[str]:
    """A speaker label ("S1", "S2", ...) per VAD region, S1 being whoever speaks first.

    Two voices first: k-means over each region's mean cepstrum, then alternate fitting one diagonal
    Gaussian per voice on the frames and picking the best label sequence with the per-region
    likelihood ratio and a turn-taking prior from the pauses (Viterbi). Then the number of speakers:
    one when the two voices are not distinct (a monologue, an enrolment), unless ``min_speakers`` is
    2 (a phone call has two parties); up to ``max_speakers`` by splitting a voice again while the
    split is distinct (a face-to-face talk with two customers)."""
    if len(regions) < 2:
        return ["S1"] * len(regions)
    cep = mfcc_frames(x)
    spans = [
        (int(s * FRAME_RATE), max(int(e * FRAME_RATE), int(s * FRAME_RATE) + 1)) for s, e in regions
    ]
    frames = [cep[a:b] for a, b in spans]
    gaps = [regions[i + 1][0] - regions[i][1] for i in range(len(regions) - 1)]
    labels = _split_two(frames, gaps, iterations)
    if max_speakers < 2 or (min_speakers < 2 and not _distinct(frames, labels)):
        labels = np.zeros(len(regions), dtype=int)
    elif max_speakers > 2:
        labels = _split_more(frames, labels, max_speakers)
    order = {lab: i for i, lab in enumerate(dict.fromkeys(labels.tolist()))}
    return [f"S{order[lab] + 1}" for lab in labels.tolist()]


def _split_more(frames: list[np.ndarray], labels: np.ndarray, max_speakers: int) -> np.ndarray:
    """Split the voice with most speech in two while that gives a distinct voice."""
    labels = labels.copy()
    tried: set[int] = set()
    while len(set(labels.tolist())) < max_speakers:
        sizes = {k: sum(len(f) for f, lab in zip(frames, labels, strict=True) if lab == k)
                 for k in set(labels.tolist()) - tried}
        if not sizes:
            break
        k = max(sizes, key=lambda c: sizes[c])
        tried.add(k)
        idx = np.nonzero(labels == k)[0]
        if len(idx) < 2:
            continue
        sub_frames = [frames[i] for i in idx]
        # No turn-taking prior inside one voice's regions: they are not adjacent in time.
        sub = _split_two(sub_frames, [1.0] * (len(idx) - 1), 4)
        if _distinct(sub_frames, sub):
            new = int(labels.max()) + 1
            labels[idx[sub == 1]] = new
            tried.discard(k)
    return labels


def assign_words(words: list[Word], regions: list[Region], labels: list[str]) -> list[tuple[Word, str]]:
    """Label each word with the speaker of the region that holds its midpoint (or the nearest)."""
    if not regions:
        return [(w, "S1") for w in words]
    starts = np.array([s for s, _ in regions])
    ends = np.array([e for _, e in regions])
    out = []
    for w in words:
        mid = (w.start + w.end) / 2
        inside = np.nonzero((starts <= mid) & (mid <= ends))[0]
        if inside.size:
            k = int(inside[0])
        else:
            k = int(np.argmin(np.minimum(np.abs(starts - mid), np.abs(ends - mid))))
        out.append((w, labels[k]))
    return out


def roles_from_content(turns: list[tuple[str, list[Word]]]) -> dict[str, tuple[str, float]]:
    """Which speaker is the agent, from greetings and self-introduction; the first speaker breaks
    ties (calls are answered or placed by the agent)."""
    speakers = list(dict.fromkeys(s for s, _ in turns))
    if not speakers:
        return {}
    score = dict.fromkeys(speakers, 0.0)
    for index, (speaker, words) in enumerate(turns):
        text = join_words(words)
        early = 2.0 if index < 2 else 1.0
        for pattern, weight in AGENT_CUES:
            score[speaker] += weight * early * len(pattern.findall(text))
        for pattern, weight in CUSTOMER_CUES:
            score[speaker] -= weight * len(pattern.findall(text))
    score[speakers[0]] += 1.5
    if len(speakers) == 1:
        only = speakers[0]
        return {only: ("agent", 0.5) if score[only] > 2 else ("unknown", 0.0)}
    ranked = sorted(speakers, key=lambda s: score[s], reverse=True)
    margin = score[ranked[0]] - score[ranked[1]]
    conf = float(min(0.99, 0.5 + 0.1 * margin))
    roles = {ranked[0]: ("agent", conf), ranked[1]: ("customer", conf)}
    for extra in ranked[2:]:
        roles[extra] = ("unknown", 0.0)
    return roles
