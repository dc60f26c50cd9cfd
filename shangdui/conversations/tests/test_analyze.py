"""End to end with the real model: the CLI contract, roles, quality on the public samples, bad
files in a batch, and the OpenAI-compatible engine against a real local server."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from shangdui.conversations.management.commands.analyze_conversations import Command
from shangdui.conversations.pipeline.decode import decode
from shangdui.conversations.pipeline.run import NO_SPEECH

from .conftest import EVAL_TOOL, write_wav

pytestmark = pytest.mark.slow


def run_cli(*argv: str) -> list[dict]:
    out, err = io.StringIO(), io.StringIO()
    cmd = Command(stdout=out, stderr=err)
    opts = vars(cmd.create_parser("shangdui", "analyze_conversations").parse_args(list(argv)))
    cmd.handle(**opts)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def evaluate(samples, lines: list[dict], tmp_path) -> dict:
    out = tmp_path / "out.jsonl"
    out.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in lines), encoding="utf-8")
    res = subprocess.run(
        [sys.executable, str(EVAL_TOOL), str(samples / "truth.json"), str(samples / "scheme.yaml"), str(out)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(res.stdout)


def test_stereo_samples_meet_targets_and_contract(samples, tmp_path, engine):
    files = [str(samples / "stereo" / f"p0{i}.wav") for i in (1, 2, 3)]
    lines = run_cli("--scheme", str(samples / "scheme.yaml"), "--vocabulary", str(samples / "vocabulary.txt"),
                    "--json", *files)
    assert [o["source"] for o in lines] == files
    for o in lines:
        assert set(o) == {"source", "duration", "segments", "inspection"}
        assert set(o["inspection"]) == {"scheme", "score", "max_score", "rules"}
        assert o["inspection"]["scheme"] == "sample-service" and o["inspection"]["max_score"] == 50
        starts = [s["start"] for s in o["segments"]]
        assert starts == sorted(starts)
        for s in o["segments"]:
            assert set(s) == {"start", "end", "role", "speaker", "text"}
            assert s["role"] in ("agent", "customer", "unknown") and s["end"] >= s["start"]
    assert lines[0]["segments"][0]["role"] == "agent" and "花语鲜花店" in lines[0]["segments"][0]["text"]
    metrics = evaluate(samples, lines, tmp_path)
    assert metrics["cer"] <= 0.11 and metrics["role_acc"] >= 0.99 and metrics["rule_acc"] >= 0.97, metrics


def test_channel_roles_swap(samples):
    (line,) = run_cli("--channel-roles", "customer,agent", "--json", str(samples / "stereo" / "p02.wav"))
    first = line["segments"][0]
    assert first["role"] == "customer" and first["speaker"] == "S1"  # the left channel speaks first


def test_mono_and_phone_get_roles_from_diarization(samples, tmp_path):
    lines = run_cli("--scheme", str(samples / "scheme.yaml"), "--vocabulary", str(samples / "vocabulary.txt"),
                    "--json", str(samples / "mono" / "p01.wav"), str(samples / "phone" / "p03.mp3"))
    for o in lines:
        roles = [s["role"] for s in o["segments"]]
        assert roles[0] == "agent" and "customer" in roles
    metrics = evaluate(samples, lines, tmp_path)
    assert metrics["role_acc"] >= 0.9 and metrics["cer"] <= 0.13, metrics


def test_bad_files_in_a_batch_do_not_stop_it(tmp_path, samples):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.mp3"
    corrupt.write_bytes(b"ID3" + bytes(range(256)) * 40)
    silence = write_wav(tmp_path / "silence.wav", np.zeros(16000 * 4, dtype=np.float32))
    noise = write_wav(
        tmp_path / "hum.wav", (np.sin(np.arange(16000 * 3) * 2 * np.pi * 50 / 16000) * 0.01).astype(np.float32)
    )
    good = str(samples / "stereo" / "p02.wav")
    lines = run_cli("--json", str(empty), str(corrupt), str(silence), str(noise), good)
    assert [o["source"] for o in lines] == [str(empty), str(corrupt), str(silence), str(noise), good]
    assert lines[0] == {"source": str(empty), "error": "文件为空"}
    assert set(lines[1]) == {"source", "error"}
    assert lines[2]["error"] == NO_SPEECH and lines[3]["error"] == NO_SPEECH
    assert lines[4]["segments"] and lines[4]["inspection"]["rules"] == []


def test_bad_scheme_is_rejected_naming_the_field(tmp_path, samples):
    from django.core.management.base import CommandError

    scheme = tmp_path / "bad.yaml"
    scheme.write_text("id: x\nrules:\n  - {id: a, kind: shouting, points: 1}\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"rules\[0\]\.kind"):
        run_cli("--scheme", str(scheme), "--json", str(samples / "stereo" / "p02.wav"))


def _serve(engine):
    """A minimal OpenAI-compatible transcription server on 127.0.0.1 backed by the default model."""
    from email.parser import BytesParser
    from email.policy import HTTP

    from shangdui.conversations.pipeline.decode import decode as decode_file

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            msg = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
            )
            fields = {part.get_param("name", header="content-disposition"): part for part in msg.iter_parts()}
            import tempfile

            with tempfile.NamedTemporaryFile(suffix=".wav") as fh:
                fh.write(fields["file"].get_payload(decode=True))
                fh.flush()
                audio = decode_file(fh.name).mono()
            utts = engine.transcribe(audio, language=fields["language"].get_content().strip())
            payload = {
                "text": "".join(u.text for u in utts),
                "segments": [{"start": u.start, "end": u.end, "text": u.text} for u in utts],
                "words": [{"start": w.start, "end": w.end, "word": w.text} for u in utts for w in u.words],
            }
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_openai_compatible_engine_against_local_server(samples, engine):
    from shangdui.conversations.engines import EngineError, get_engine
    from shangdui.conversations.pipeline.run import Options, transcribe_audio

    server = _serve(engine)
    try:
        remote = get_engine("openai-compatible", base_url=f"http://127.0.0.1:{server.server_port}")
        audio = decode(str(samples / "stereo" / "p02.wav"))
        transcript = transcribe_audio(audio.channels, remote, Options(), duration=audio.duration)
        text = "".join(s.text for s in transcript.segments)
        assert "扫地机器人" in text
        assert {s.role for s in transcript.segments} == {"agent", "customer"}
    finally:
        server.shutdown()
    down = get_engine("openai_compatible", base_url=f"http://127.0.0.1:{server.server_port}", timeout=2)
    with pytest.raises(EngineError, match="识别服务不可用"):
        down.transcribe(np.zeros(16000, dtype=np.float32))
