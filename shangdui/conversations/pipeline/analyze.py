"""Analyse recordings end to end (transcript + inspection) as plain dicts: the CLI's contract.

Each result is ``{source, duration, segments, inspection}`` or ``{source, error}``; one bad file
never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from ..engines.base import Engine, EngineError
from ..inspection.engine import Inspector
from .decode import AudioError
from .run import Options, transcribe_file

log = logging.getLogger(__name__)


def empty_inspection() -> dict:
    return {"scheme": None, "score": 0, "max_score": 0, "rules": []}


def analyze_file(path: str, engine: Engine, options: Options, inspector: Inspector | None = None) -> dict:
    try:
        transcript = transcribe_file(path, engine, options)
    except (AudioError, EngineError) as exc:
        return {"source": path, "error": str(exc)}
    except Exception as exc:  # a damaged file can make any decoder layer fail; report, go on
        log.exception("analysis of %s failed", path)
        return {"source": path, "error": f"分析失败：{type(exc).__name__}: {exc}"}
    result = {"source": path, **transcript.to_dict()}
    if inspector is None:
        result["inspection"] = empty_inspection()
    else:
        result["inspection"] = inspector.inspect(transcript.segments, transcript.duration).to_dict()
    return result


def analyze_paths(
    paths: Iterable[str], engine: Engine, options: Options, inspector: Inspector | None = None,
) -> Iterator[dict]:
    for path in paths:
        yield analyze_file(path, engine, options, inspector)
