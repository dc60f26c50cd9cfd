"""``shangdui scan-watch-folders``: one scan of the recording sources' watched folders (for cron and tests).

A file is ingested at the first scan that finds its size and mtime unchanged since the scan before,
so run it at least twice, some seconds apart (``--repeat 2 --interval 5``)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from ...sources import watch_scan


class Command(BaseCommand):
    help = "扫描录音来源的监视文件夹，导入已写完的录音文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=1, help="扫描次数，默认 1")
        parser.add_argument("--interval", type=float, default=5.0, help="两次扫描间隔秒数，默认 5")

    def handle(self, *args, **opts) -> None:
        for index in range(max(1, opts["repeat"])):
            if index:
                time.sleep(max(0.0, opts["interval"]))
            report = watch_scan()
            self.stdout.write(
                f"发现 {report.seen} 个文件，等待写完 {report.waiting}，导入 {len(report.ingested)}，"
                f"重复 {report.duplicates}，失败 {len(report.failed)}"
            )
            for line in report.failed:
                self.stderr.write(f"  失败：{line}")
