"""All front-end files are vendored: no page may load anything from another host."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = re.compile(r"""(src|href)=["'](https?:)?//""", re.IGNORECASE)


def test_templates_reference_no_outside_host() -> None:
    offenders = []
    for template in ROOT.rglob("templates/**/*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            if EXTERNAL.search(line):
                offenders.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_vendored_files_are_pinned_by_version_folder() -> None:
    vendor = ROOT / "static" / "vendor"
    folders = {p.name for p in vendor.iterdir() if p.is_dir()}
    assert {"htmx-2.0.4", "echarts-5.6.0", "pico-2.1.1"} <= folders
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert "vendor/htmx-2.0.4/htmx.min.js" in base and "vendor/pico-2.1.1/pico.min.css" in base
