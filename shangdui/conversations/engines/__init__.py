"""Speech-recognition engines behind :class:`~.base.Engine`."""

from .base import Engine, EngineError, Utterance, Word, get_engine

__all__ = ["Engine", "EngineError", "Utterance", "Word", "get_engine"]
