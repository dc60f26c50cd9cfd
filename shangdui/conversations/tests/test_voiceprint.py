"""Voice profiles and the number of speakers, on the public samples (two synthetic voices: the agent on
the left channel of stereo/, the customer on the right; mono/ and phone/ are the same talks mixed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from shangdui.conversations.pipeline import speakers, voiceprint
from shangdui.conversations.pipeline.decode import decode
from shangdui.conversations.pipeline.loudness import normalise
from shangdui.conversations.pipeline.run import EnrolmentError, Options, enrol_file, roles_from_voice, transcribe_file
from shangdui.conversations.pipeline.vad import speech_regions

from .conftest import write_wav

PHONE = {"p01": "p01.mp3", "p02": "p02.m4a", "p03": "p03.mp3"}


def _signal(path: Path, channel: int | None = None) -> np.ndarray:
    channels = decode(str(path)).channels
    signal = channels[channel] if channel is not None else channels.mean(axis=0).astype(np.float32)
    return normalise(signal)


def _truth(samples: Path) -> dict[str, list[dict]]:
    return {t["id"]: t["turns"] for t in json.loads((samples / "truth.json").read_text(encoding="utf-8"))}


def _true_role(turns: list[dict], start: float, end: float) -> str:
    overlap = {"agent": 0.0, "customer": 0.0}
    for turn in turns:
        overlap[turn["role"]] += max(0.0, min(end, turn["end"]) - max(start, turn["start"]))
    return max(overlap, key=lambda role: overlap[role])


def _roles_by_voice(x: np.ndarray, profile: voiceprint.Voiceprint) -> tuple[list, list[str], dict]:
    regions = speech_regions(x, min_silence_ms=250)
    labels = speakers.diarize(x, regions)
    turns = [(label, []) for label in dict.fromkeys(labels)]
    roles = roles_from_voice(x, regions, labels, profile, turns)  # type: ignore[arg-type]
    assert roles is not None, "the profile matched no voice"
    return regions, labels, roles


def _customer_profile(samples: Path, tmp_path: Path) -> voiceprint.Voiceprint:
    """The customer's voice: the right channels of the three talks, one after another (~21 s of speech)."""
    voice = np.concatenate([decode(str(samples / "stereo" / f"{p}.wav")).channels[1] for p in ("p01", "p02", "p03")])
    return enrol_file(str(write_wav(tmp_path / "customer.wav", voice)))


def test_a_monologue_is_one_speaker_and_each_dialogue_two(samples: Path) -> None:
    for talk in ("p01", "p02", "p03"):
        agent_alone = _signal(samples / "stereo" / f"{talk}.wav", channel=0)
        regions = speech_regions(agent_alone, min_silence_ms=250)
        assert set(speakers.diarize(agent_alone, regions, min_speakers=1, max_speakers=3)) == {"S1"}, talk
        mixed = _signal(samples / "mono" / f"{talk}.wav")
        regions = speech_regions(mixed, min_silence_ms=250)
        assert set(speakers.diarize(mixed, regions, min_speakers=1, max_speakers=3)) == {"S1", "S2"}, talk


def test_three_voices_face_to_face_are_three_speakers(samples: Path) -> None:
    """A third person: the customer's voice played 30 % slower (clearly lower pitch and formants) takes
    turns with the agent and the customer. (Two similar voices would merge: see docs/conversations.md.)"""
    agent = _signal(samples / "stereo" / "p01.wav", channel=0)
    customer = _signal(samples / "stereo" / "p03.wav", channel=1)
    slow = np.interp(np.arange(0, customer.size, 0.7), np.arange(customer.size), customer).astype(np.float32)
    pieces = []
    for voice in (agent, customer, slow):
        regions = speech_regions(voice, min_silence_ms=250)
        pieces.append([voice[int(s * 16000) : int(e * 16000)] for s, e in regions])
    gap = np.zeros(int(0.8 * 16000), dtype=np.float32)
    talk: list[np.ndarray] = []
    spans: list[tuple[float, float, int]] = []
    at = 0
    for i in range(max(len(p) for p in pieces)):
        for who, part in enumerate(pieces):
            if i < len(part):
                spans.append((at / 16000, (at + part[i].size) / 16000, who))
                talk += [part[i], gap]
                at += part[i].size + gap.size
    x = normalise(np.concatenate(talk))
    regions = speech_regions(x, min_silence_ms=250)
    labels = speakers.diarize(x, regions, min_speakers=1, max_speakers=3)
    assert len(set(labels)) == 3
    truth = [max(spans, key=lambda sp: min(e, sp[1]) - max(s, sp[0]))[2] for s, e in regions]
    pairs = list(zip(labels, truth, strict=True))
    majority = {
        label: max(set(t for lab, t in pairs if lab == label), key=[t for lab, t in pairs if lab == label].count)
        for label in set(labels)
    }
    assert len(set(majority.values())) == 3
    assert sum(majority[lab] == t for lab, t in pairs) / len(pairs) >= 0.8
    assert len(set(speakers.diarize(x, regions))) == 2  # a phone call keeps its two parties


def test_agent_profile_from_one_talk_finds_the_agent_in_the_others(samples: Path) -> None:
    profile = enrol_file(str(samples / "stereo" / "p01.wav"), channel=0)
    assert voiceprint.MIN_SPEECH_S <= profile.speech_seconds <= 30
    truth = _truth(samples)
    for kind, names in (("mono", {p: f"{p}.wav" for p in truth}), ("phone", PHONE)):
        for talk, name in names.items():
            x = _signal(samples / kind / name)
            regions, labels, roles = _roles_by_voice(x, profile)
            agreed = sum(
                e - s
                for (s, e), label in zip(regions, labels, strict=True)
                if roles[label][0] == _true_role(truth[talk], s, e)
            )
            total = sum(e - s for s, e in regions)
            assert agreed / total > 0.9, (kind, talk, roles)
            assert all(conf >= 0.5 for _, conf in roles.values())


def test_the_profile_decides_the_role_over_what_is_said(samples: Path, tmp_path: Path, engine) -> None:
    """Enrolled with the customer's voice, the member *is* that voice: the greeting voice becomes the
    customer although it says 您好, 我是… (without a profile, content gives the greeter the agent role)."""
    profile = _customer_profile(samples, tmp_path)
    truth = _truth(samples)["p03"]
    plain = transcribe_file(str(samples / "mono" / "p03.wav"), engine, Options())
    assert plain.segments[0].role == "agent"
    swapped = transcribe_file(str(samples / "mono" / "p03.wav"), engine, Options(voice_profile=profile))
    for seg in swapped.segments:
        expected = "customer" if _true_role(truth, seg.start, seg.end) == "agent" else "agent"
        assert seg.role == expected, (seg.start, seg.text)
        assert seg.confidence >= 0.5


def test_another_persons_profile_matches_no_one(samples: Path, tmp_path: Path) -> None:
    """A profile from a voice not in the talk (the customer's voice played slower) leaves roles to content."""
    voice = np.concatenate([decode(str(samples / "stereo" / f"{p}.wav")).channels[1] for p in ("p01", "p02", "p03")])
    slow = np.interp(np.arange(0, voice.size, 0.8), np.arange(voice.size), voice).astype(np.float32)
    stranger = enrol_file(str(write_wav(tmp_path / "stranger.wav", slow)))
    x = _signal(samples / "mono" / "p01.wav")
    regions = speech_regions(x, min_silence_ms=250)
    labels = speakers.diarize(x, regions)
    turns = [(label, []) for label in dict.fromkeys(labels)]
    assert roles_from_voice(x, regions, labels, stranger, turns) is None  # type: ignore[arg-type]


def test_enrolment_needs_enough_speech_and_round_trips(samples: Path, tmp_path: Path) -> None:
    with pytest.raises(EnrolmentError) as short:
        enrol_file(str(samples / "stereo" / "p02.wav"), channel=0)  # the agent says ~5 s in this talk
    assert 0 < short.value.speech_seconds < voiceprint.MIN_SPEECH_S and "秒" in str(short.value)
    profile = enrol_file(str(samples / "stereo" / "p01.wav"), channel=0)
    again = voiceprint.Voiceprint.from_json(json.loads(json.dumps(profile.to_json())))
    assert voiceprint.divergence(profile.wide, again.wide) < 1e-6
    with pytest.raises(ValueError):
        voiceprint.Voiceprint.from_json({"method": "other", "wide": {}, "narrow": {}})
