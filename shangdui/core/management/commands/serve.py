"""`shangdui serve`: the single-machine start used by `make run`.

Migrates, loads the demo company into an empty database, collects static files, then runs the
web server (gunicorn) and one Celery worker with the embedded beat scheduler, and stops both on
Ctrl-C. Production runs the same pieces as separate services (docs/deploy.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate, load the demo into an empty database, and run web + worker (single machine)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo company")

    @staticmethod
    def _static_outdated() -> bool:
        """Compressing the vendored files takes a while: redo it only when a source file changed."""
        from django.contrib.staticfiles.finders import get_finders

        manifest = settings.STATIC_ROOT / "staticfiles.json"
        if not manifest.exists():
            return True
        built = manifest.stat().st_mtime
        for finder in get_finders():
            for _path, storage in finder.list(["CVS", ".*", "*~"]):
                if os.path.getmtime(storage.path(_path)) > built:
                    return True
        return False

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已迁移。")
        if not options["no_demo"]:
            call_command("demo", if_empty=True)
        if self._static_outdated():
            self.stdout.write("正在整理静态文件（首次启动需要约一分钟）…")
            call_command("collectstatic", interactive=False, verbosity=0)
        bin_dir = os.path.dirname(sys.executable)
        env = dict(os.environ, SHANGDUI_DATA_DIR=str(settings.DATA_DIR))
        worker = subprocess.Popen(
            [os.path.join(bin_dir, "celery"), "-A", "shangdui", "worker", "--beat", "--concurrency", "1",
             "--loglevel", "INFO", "--schedule", str(settings.DATA_DIR / "celerybeat-schedule")],
            env=env,
        )
        web = subprocess.Popen(
            [os.path.join(bin_dir, "gunicorn"), "shangdui.wsgi", "--bind", f"{options['host']}:{options['port']}",
             "--workers", str(options["workers"]), "--timeout", "120", "--access-logfile", "-"],
            env=env,
        )
        self.stdout.write(self.style.SUCCESS(
            f"商队已启动：http://{options['host']}:{options['port']}/  （按 Ctrl-C 停止）"))
        children = [web, worker]

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [str(child.args) for child in children if child.returncode not in (0, -signal.SIGTERM, None)]
        if failed:
            self.stderr.write(f"已停止：{', '.join(map(str, failed))} 异常退出。")
            sys.exit(1)
