"""Plain data passed between the pipeline stages (no Django, no I/O)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ROLES = ("agent", "customer", "unknown")


@dataclass
class Segment:
    """One turn: a contiguous utterance of one speaker."""

    start: float
    end: float
    role: str
    speaker: str
    text: str
    confidence: float = 1.0  # confidence of the role, 0..1

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    def to_dict(self) -> dict:
        return {
            "start": round(self.start, 2), "end": round(self.end, 2), "role": self.role,
            "speaker": self.speaker, "text": self.text,
        }


@dataclass
class Transcript:
    duration: float
    segments: list[Segment] = field(default_factory=list)
    channels: int = 1

    def to_dict(self) -> dict:
        return {"duration": round(self.duration, 2), "segments": [s.to_dict() for s in self.segments]}


def as_dict(obj) -> dict:
    return asdict(obj)
