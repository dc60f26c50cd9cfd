"""One recording end to end: decode → loudness → VAD → ASR → speakers/roles → text clean-up.

Each stage is a pure function of its inputs; the Celery tasks and the CLI both call
:func:`transcribe_file` (or the stages one by one, storing what each produced).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engines.base import Engine, Word
from ..text import BASE_VOCABULARY, VocabularyCorrector, collapse_repeats, digits_to_chinese
from . import asr, speakers, voiceprint
from .decode import AudioError, decode, is_dual_mono
from .loudness import normalise
from .types import Segment, Transcript
from .vad import speech_regions, total_speech

NO_SPEECH = "无有效语音"
MIN_SPEECH_S = 0.5


class NoSpeechError(AudioError):
    def __init__(self) -> None:
        super().__init__(NO_SPEECH)


@dataclass
class Options:
    channel_roles: tuple[str, str] = ("agent", "customer")
    vocabulary: list[str] = field(default_factory=list)
    extra_words: list[str] = field(default_factory=list)  # inspection keywords: correction only
    language: str = "zh"
    # Mono diarization: how many speakers to allow. A phone call has two parties (the default);
    # a face-to-face talk may be a monologue or have a third person (1..3).
    min_speakers: int = 2
    max_speakers: int = 2
    # The member's enrolled voice: the diarized voice that matches it is the agent.
    voice_profile: voiceprint.Voiceprint | None = None

    # Whisper base with an initial prompt hallucinated prompt words on short or quiet audio and
    # then fell back to sampling (up to 5x slower); on the samples CER was lower without it. The
    # vocabulary therefore biases the output through the pinyin correction, and the prompt is opt-in.
    use_prompt: bool = False

    def prompt(self) -> str | None:
        if not self.use_prompt:
            return None
        words = "、".join(self.vocabulary[:40])
        base = "以下是普通话的客服与销售通话。"
        return f"{base}涉及：{words}。" if words else base

    def corrector(self) -> VocabularyCorrector:
        return VocabularyCorrector([*BASE_VOCABULARY, *self.vocabulary, *self.extra_words])


def transcribe_file(path: str, engine: Engine, options: Options | None = None) -> Transcript:
    """Raise :class:`AudioError` (user-facing reason) for bad input or no speech."""
    options = options or Options()
    audio = decode(path)
    return transcribe_audio(audio.channels, engine, options, duration=audio.duration)


def transcribe_audio(
    channels: np.ndarray, engine: Engine, options: Options, *, duration: float | None = None,
) -> Transcript:
    duration = duration if duration is not None else channels.shape[1] / 16000
    stereo = channels.shape[0] == 2 and not is_dual_mono_array(channels)
    if stereo:
        segments = _stereo(channels, engine, options)
    else:
        signal = channels.mean(axis=0).astype(np.float32) if channels.shape[0] > 1 else channels[0]
        segments = _mono(signal, engine, options)
    if not segments:
        raise NoSpeechError()
    corrector = options.corrector()
    for seg in segments:
        seg.text = corrector.correct(digits_to_chinese(collapse_repeats(seg.text)))
    segments = [s for s in segments if s.text.strip()]
    if not segments:
        raise NoSpeechError()
    return Transcript(duration=duration, segments=segments, channels=2 if stereo else 1)


def is_dual_mono_array(channels: np.ndarray) -> bool:
    from .decode import Audio

    return is_dual_mono(Audio(channels=channels))


def _stereo(channels: np.ndarray, engine: Engine, options: Options) -> list[Segment]:
    labelled: list[tuple[Word, str]] = []
    roles: dict[str, tuple[str, float]] = {}
    names = ("S1", "S2")
    for index, name in enumerate(names):
        x = normalise(channels[index])
        regions = speech_regions(x)
        roles[name] = (options.channel_roles[index], 1.0)
        if total_speech(regions) < MIN_SPEECH_S:
            continue
        words = asr.recognise(
            engine, x, regions, prompt=options.prompt(), hotwords=None,
            language=options.language,
        )
        labelled.extend((w, name) for w in words)
    return speakers.segments_from_turns(speakers.turns_from_words(labelled), roles)


def _mono(signal: np.ndarray, engine: Engine, options: Options) -> list[Segment]:
    x = normalise(signal)
    regions = speech_regions(x, min_silence_ms=250)
    if total_speech(regions) < MIN_SPEECH_S:
        return []
    words = asr.recognise(
        engine, x, regions, prompt=options.prompt(), hotwords=None,
        language=options.language,
    )
    if not words:
        return []
    labels = speakers.diarize(x, regions, min_speakers=options.min_speakers, max_speakers=options.max_speakers)
    turns = speakers.turns_from_words(speakers.assign_words(words, regions, labels))
    roles = roles_from_voice(x, regions, labels, options.voice_profile, turns)
    return speakers.segments_from_turns(turns, roles or speakers.roles_from_content(turns))


def roles_from_voice(
    x: np.ndarray, regions: list, labels: list[str], profile: voiceprint.Voiceprint | None,
    turns: list[tuple[str, list[Word]]],
) -> dict[str, tuple[str, float]] | None:
    """Roles from the member's voice profile: the matching voice is the agent, the others customers,
    with the match's confidence; None (content decides) without a profile or a clear match."""
    if profile is None:
        return None
    candidates, narrowband = voiceprint.voices(x, regions, labels)
    found = voiceprint.match(profile, candidates, narrowband=narrowband)
    if found is None:
        return None
    agent, confidence = found
    return {s: ("agent", confidence) if s == agent else ("customer", confidence)
            for s in dict.fromkeys(s for s, _ in turns)}


class EnrolmentError(AudioError):
    """Too little speech of one voice to enrol; ``speech_seconds`` is what was found."""

    def __init__(self, speech_seconds: float) -> None:
        super().__init__(f"只检测到 {speech_seconds:.1f} 秒语音，声纹至少需要 {voiceprint.MIN_SPEECH_S:.0f} 秒")
        self.speech_seconds = speech_seconds


def enrol_file(path: str, *, channel: int | None = None) -> voiceprint.Voiceprint:
    """A member's voiceprint from a recording of their speech (20-60 s recommended). Another voice in
    it (someone who answered) is left out: the voice that speaks most is the member's. Raises
    :class:`AudioError` for an unreadable file, :class:`EnrolmentError` for too little speech."""
    audio = decode(path)
    channels = audio.channels
    if channel is not None:
        signal = channels[min(channel, channels.shape[0] - 1)]
    else:
        signal = channels.mean(axis=0).astype(np.float32) if channels.shape[0] > 1 else channels[0]
    x = normalise(signal)
    regions = speech_regions(x, min_silence_ms=250)
    if total_speech(regions) < voiceprint.MIN_SPEECH_S:
        raise EnrolmentError(total_speech(regions))
    labels = speakers.diarize(x, regions, min_speakers=1, max_speakers=3)
    speech: dict[str, float] = {}
    for (start, end), label in zip(regions, labels, strict=True):
        speech[label] = speech.get(label, 0.0) + end - start
    main = max(speech, key=lambda label: speech[label])
    mine = [r for r, label in zip(regions, labels, strict=True) if label == main]
    if speech[main] < voiceprint.MIN_SPEECH_S:
        raise EnrolmentError(speech[main])
    return voiceprint.enrol(x, mine)
