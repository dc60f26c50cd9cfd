"""``shangdui analyze-conversations``: transcribe and inspect recordings without a server or broker.

With ``--json`` prints one JSON object per input file per line:
``{source, duration, segments: [{start, end, role, speaker, text}], inspection: {scheme, score,
max_score, rules: [{id, passed, evidence: [{segment, text}]}]}}`` or ``{source, error}``.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...engines.base import EngineError, get_engine
from ...inspection.engine import Inspector
from ...inspection.scheme import SchemeError, load_scheme
from ...models_path import ModelError
from ...pipeline.analyze import analyze_paths
from ...pipeline.decode import AudioError
from ...pipeline.run import Options, enrol_file
from ...text import load_vocabulary

ROLE_CHOICES = ("agent", "customer")


def parse_channel_roles(value: str) -> tuple[str, str]:
    parts = tuple(p.strip() for p in value.split(","))
    if len(parts) != 2 or set(parts) != set(ROLE_CHOICES):
        raise CommandError("--channel-roles 应为 agent,customer 或 customer,agent")
    return parts  # type: ignore[return-value]


class Command(BaseCommand):
    help = "转写并质检录音文件（无需 Web 服务或消息队列）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="录音文件")
        parser.add_argument("--scheme", help="质检方案 YAML 文件")
        parser.add_argument("--vocabulary", help="词表文件（每行一个词：店名、商品、关键词）")
        parser.add_argument(
            "--channel-roles", default="agent,customer", help="立体声左右声道的角色，默认 agent,customer"
        )
        parser.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
        parser.add_argument(
            "--voice-profile", metavar="FILE",
            help="坐席本人的录音（20-60 秒语音）：单声道录音中与之声纹匹配的说话人为坐席",
        )
        parser.add_argument(
            "--voice-profile-channel", choices=("mix", "left", "right"), default="mix",
            help="声纹录音为立体声时取哪个声道，默认混合",
        )
        parser.add_argument(
            "--speakers", choices=("2", "auto"), default="2",
            help="单声道录音的说话人数：2（电话，默认）或 auto（估计 1、2 或 3 人，适合面谈）",
        )
        parser.add_argument("--threads", type=int, default=None, help="识别线程数（默认全部核心）")

    def handle(self, *args, **opts) -> None:
        roles = parse_channel_roles(opts["channel_roles"])
        inspector = None
        keywords: list[str] = []
        if opts["scheme"]:
            try:
                scheme = load_scheme(opts["scheme"])
            except SchemeError as exc:
                raise CommandError(f"质检方案无效（字段 {exc.field}）：{exc.message}") from exc
            inspector = Inspector(scheme)
            keywords = [w for r in scheme.rules for w in r.words()]
        try:
            vocabulary = load_vocabulary(opts["vocabulary"])
        except OSError as exc:
            raise CommandError(f"无法读取词表：{exc}") from exc
        options = Options(channel_roles=roles, vocabulary=vocabulary, extra_words=keywords)
        if opts["speakers"] == "auto":
            options.min_speakers, options.max_speakers = 1, 3
        if opts["voice_profile"]:
            channel = {"mix": None, "left": 0, "right": 1}[opts["voice_profile_channel"]]
            try:
                options.voice_profile = enrol_file(opts["voice_profile"], channel=channel)
            except AudioError as exc:
                raise CommandError(f"声纹录音无法使用：{exc}") from exc
        try:
            engine = get_engine(threads=opts["threads"]) if opts["threads"] else get_engine()
        except (EngineError, ModelError) as exc:
            raise CommandError(str(exc)) from exc
        failed = 0
        for result in analyze_paths(opts["paths"], engine, options, inspector):
            failed += "error" in result
            if opts["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
                self.stdout.flush()
            else:
                self._human(result)
        if failed and not opts["json"]:
            self.stderr.write(f"{failed} 个文件分析失败")

    def _human(self, result: dict) -> None:
        if "error" in result:
            self.stdout.write(f"{result['source']}: 失败 — {result['error']}")
            return
        ins = result["inspection"]
        self.stdout.write(
            f"{result['source']}  时长 {result['duration']:.1f} 秒  得分 {ins['score']}/{ins['max_score']}"
        )
        labels = {"agent": "坐席", "customer": "客户", "unknown": "未知"}
        for seg in result["segments"]:
            span = f"[{seg['start']:6.1f}-{seg['end']:6.1f}]"
            self.stdout.write(f"  {span} {labels[seg['role']]}: {seg['text']}")
        for rule in ins["rules"]:
            self.stdout.write(f"  {'✓' if rule['passed'] else '✗'} {rule['id']}")
