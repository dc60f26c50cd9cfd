"""Speed and quality of the conversation pipeline against plain faster-whisper, in one run.

Baseline: faster-whisper with the same model, int8, beam 5, the same thread count, straight over
each channel of each file (word timestamps, no VAD), split into turns at word pauses; on stereo the
left channel is the agent, on mono/phone there are no roles. Ours: the `analyze-conversations`
pipeline (decode → loudness → VAD → ASR → speakers/roles → inspection). Both use one already-loaded
model; files alternate baseline/ours so that load on a shared machine hits both alike. Wall and
process CPU time (all threads) are both reported: on a busy machine CPU time is the steadier one.

    .venv/bin/python benchmarks/bench_conversations.py [--samples ../shared/samples/conversations]
        [--threads 2] [--rounds 1] [--out var/bench]

Prints a table of wall time, real-time factor (processing seconds per audio second) and, when
the scoring tool is present, CER / role accuracy / rule accuracy per variant for both.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shangdui.conversations.engines.faster_whisper_engine import FasterWhisperEngine  # noqa: E402
from shangdui.conversations.inspection import Inspector, load_scheme  # noqa: E402
from shangdui.conversations.pipeline.analyze import analyze_file  # noqa: E402
from shangdui.conversations.pipeline.decode import decode  # noqa: E402
from shangdui.conversations.pipeline.run import Options  # noqa: E402
from shangdui.conversations.pipeline.types import Segment  # noqa: E402
from shangdui.conversations.text import load_vocabulary, to_simplified  # noqa: E402

VARIANTS = ("stereo", "mono", "phone")
PAUSE_S = 0.6


def baseline_file(model, path: str, inspector: Inspector) -> dict:
    """Plain faster-whisper per channel, turns split at word pauses."""
    audio = decode(path)
    segments: list[Segment] = []
    for index, channel in enumerate(audio.channels):
        role = ("agent", "customer")[index] if audio.n_channels == 2 else "unknown"
        result, _ = model.transcribe(channel, language="zh", beam_size=5, word_timestamps=True, vad_filter=False)
        words = [w for seg in result for w in (seg.words or [])]
        turn: list = []
        for w in words + [None]:
            if turn and (w is None or w.start - turn[-1].end > PAUSE_S):
                text = to_simplified("".join(x.word for x in turn).strip())
                segments.append(Segment(turn[0].start, turn[-1].end, role, f"S{index + 1}", text))
                turn = []
            if w is not None:
                turn.append(w)
    segments.sort(key=lambda s: s.start)
    return {
        "source": path, "duration": round(audio.duration, 2), "segments": [s.to_dict() for s in segments],
        "inspection": inspector.inspect(segments, audio.duration).to_dict(),
    }


def score(samples: Path, out: Path) -> dict | None:
    tool = samples.parent.parent / "tools" / "eval_conversations.py"
    if not tool.is_file():
        return None
    res = subprocess.run(
        [sys.executable, str(tool), str(samples / "truth.json"), str(samples / "scheme.yaml"), str(out)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", default=str(ROOT.parent / "shared" / "samples" / "conversations"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"))
    args = parser.parse_args()
    samples, out_dir = Path(args.samples), Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ["SHANGDUI_ASR_THREADS"] = str(args.threads)

    engine = FasterWhisperEngine(threads=args.threads)  # one model shared by both contenders
    scheme = load_scheme(str(samples / "scheme.yaml"))
    inspector = Inspector(scheme)
    options = Options(
        vocabulary=load_vocabulary(str(samples / "vocabulary.txt")),
        extra_words=[w for r in scheme.rules for w in r.words()],
    )
    rows = []
    totals = {"baseline": 0.0, "ours": 0.0, "audio": 0.0, "baseline_cpu": 0.0, "ours_cpu": 0.0}
    for variant in VARIANTS:
        files = sorted(str(p) for p in (samples / variant).iterdir() if p.is_file())
        audio_s = sum(decode(f).duration for f in files)
        times = {"baseline": 0.0, "ours": 0.0}
        cpu = {"baseline": 0.0, "ours": 0.0}
        results: dict[str, list[dict]] = {"baseline": [], "ours": []}
        for round_no in range(args.rounds):
            results = {"baseline": [], "ours": []}
            # Interleave per file, alternating who goes first, so that the load other processes put
            # on a shared machine falls on both contenders alike.
            for i, f in enumerate(files):
                order = ("baseline", "ours") if (i + round_no) % 2 == 0 else ("ours", "baseline")
                for name in order:
                    wall0, cpu0 = time.perf_counter(), time.process_time()
                    if name == "baseline":
                        results[name].append(baseline_file(engine.model, f, inspector))
                    else:
                        results[name].append(analyze_file(f, engine, options, inspector))
                    times[name] += time.perf_counter() - wall0
                    cpu[name] += time.process_time() - cpu0
        row = {"variant": variant, "files": len(files), "audio_s": round(audio_s, 1)}
        for name in ("baseline", "ours"):
            path = out_dir / f"{variant}-{name}.jsonl"
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results[name]))
            wall = times[name] / args.rounds
            row[f"{name}_s"] = round(wall, 2)
            row[f"{name}_rtf"] = round(wall / audio_s, 3)
            row[f"{name}_cpu_s"] = round(cpu[name] / args.rounds, 2)
            totals[f"{name}_cpu"] += cpu[name] / args.rounds
            row[f"{name}_quality"] = score(samples, path)
            totals[name] += wall
        totals["audio"] += audio_s
        row["speedup"] = round(row["baseline_s"] / row["ours_s"], 2)
        row["cpu_speedup"] = round(row["baseline_cpu_s"] / row["ours_cpu_s"], 2)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    print(json.dumps({
        "total_audio_s": round(totals["audio"], 1), "baseline_s": round(totals["baseline"], 2),
        "ours_s": round(totals["ours"], 2), "baseline_rtf": round(totals["baseline"] / totals["audio"], 3),
        "ours_rtf": round(totals["ours"] / totals["audio"], 3),
        "speedup": round(totals["baseline"] / totals["ours"], 2),
        "baseline_cpu_s": round(totals["baseline_cpu"], 2), "ours_cpu_s": round(totals["ours_cpu"], 2),
        "cpu_speedup": round(totals["baseline_cpu"] / totals["ours_cpu"], 2), "threads": args.threads,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
