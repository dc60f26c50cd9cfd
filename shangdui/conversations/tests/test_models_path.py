"""The bundled Whisper base model is joined once, verified, and rebuilt when damaged."""

from __future__ import annotations

import json

from shangdui.conversations import models_path


def test_join_verify_and_repair(tmp_path, monkeypatch):
    monkeypatch.delenv("SHANGDUI_ASR_MODEL", raising=False)
    target = models_path.ensure_default_model(tmp_path)
    assert target == tmp_path / "models" / "whisper-base"
    model = target / "model.bin"
    info = json.loads((target / models_path.MARKER).read_text())
    assert model.stat().st_size == info["size"] == 145217532
    for name in models_path.SIDE_FILES:
        assert (target / name).is_file()
    assert not [p for p in target.iterdir() if p.name.startswith(".model.bin.")]  # no temp left over
    mtime = model.stat().st_mtime_ns
    assert models_path.ensure_default_model(tmp_path) == target
    assert model.stat().st_mtime_ns == mtime  # second call: nothing rewritten
    # A truncated model.bin (disk full, killed copy) is detected and rebuilt.
    with model.open("r+b") as fh:
        fh.truncate(1000)
    models_path.ensure_default_model(tmp_path)
    assert model.stat().st_size == 145217532


def test_env_selects_another_model(monkeypatch):
    monkeypatch.setenv("SHANGDUI_ASR_MODEL", "/opt/models/whisper-large-v3")
    assert models_path.resolve_model() == "/opt/models/whisper-large-v3"


def test_data_dir_from_environment(monkeypatch, tmp_path, settings):
    monkeypatch.setenv("SHANGDUI_DATA_DIR", str(tmp_path))
    settings.SHANGDUI_DATA_DIR = tmp_path / "from-settings"
    assert models_path.data_dir() == tmp_path / "from-settings"
