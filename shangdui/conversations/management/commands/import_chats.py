"""``shangdui import-chats``: chat logs (text ``时间 昵称: 内容``, CSV, JSON) → inspected ``im`` conversations.

With ``--json`` prints one JSON object per file per line: ``{source, conversation, duration, segments:
[{start, end, role, speaker, text}], inspection: {scheme, score, max_score, rules: [{id, passed}]},
bad_lines: [{line, text, reason}]}`` or ``{source, error}``; a bad file never stops the rest.
The agent is found as described in ``shangdui/conversations/chats.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shangdui.conversations import services
from shangdui.conversations.chats import ChatError, decode_chat
from shangdui.conversations.inspection import SchemeError, load_scheme
from shangdui.conversations.models import InspectionScheme
from shangdui.org.models import Member


class Command(BaseCommand):
    help = "导入客服聊天记录（文本“时间 昵称: 内容”、CSV、JSON），并按质检方案质检"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="FILE", help="聊天记录文件")
        parser.add_argument("--member", required=True, help="成员的用户名（聊天记录属于此成员）")
        parser.add_argument("--org", help="组织简称（slug），用户名不唯一时使用")
        parser.add_argument("--scheme", help="质检方案 YAML 文件（默认用组织的默认方案）")
        parser.add_argument("--agent", action="append", default=[], metavar="NICK",
                            help="客服/店铺昵称（可多次指定）；否则首个以“您好/亲”打招呼的人是客服")
        parser.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        members = Member.objects.select_related("organization").filter(user__username=opts["member"])
        if opts["org"]:
            members = members.filter(organization__slug=opts["org"])
        member = members.first()
        if member is None:
            raise CommandError(f"找不到成员 {opts['member']}")
        scheme = self._scheme(member, opts["scheme"]) if opts["scheme"] else None
        for path in opts["paths"]:
            result = self._one(member, path, opts["agent"], scheme)
            if opts["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            elif "error" in result:
                self.stdout.write(f"{path}: 失败 — {result['error']}")
            else:
                ins = result["inspection"]
                score = f"{ins['score']}/{ins['max_score']}" if ins else "—"
                self.stdout.write(f"{path}: {len(result['segments'])} 条消息，得分 {score}")
                for bad in result["bad_lines"]:
                    self.stdout.write(f"  第 {bad['line']} 行：{bad['reason']}：{bad['text']}")

    def _scheme(self, member: Member, path: str) -> InspectionScheme:
        """The file's scheme, stored in the organization under its id (reused when identical)."""
        try:
            parsed = load_scheme(path)
        except SchemeError as exc:
            raise CommandError(f"质检方案无效（字段 {exc.field}）：{exc.message}") from exc
        source = Path(path).read_text(encoding="utf-8")
        existing = InspectionScheme.objects.filter(organization=member.organization, key=parsed.id).first()
        if existing is None:
            return services.scheme_save(organization=member.organization, source=source, is_default=False)
        if existing.source.strip() != source.strip():
            raise CommandError(f"组织中已有 id 为 {parsed.id} 的不同质检方案；请在网页中修改或换一个 id")
        return existing

    def _one(self, member: Member, path: str, agents: list[str], scheme: InspectionScheme | None) -> dict:
        try:
            text = decode_chat(Path(path).read_bytes())  # UTF-8 or GBK, as in the browser
        except OSError as exc:
            return {"source": path, "error": f"无法读取文件：{exc.strerror or exc}"}
        except ChatError as exc:
            return {"source": path, "error": str(exc)}
        try:
            conversation, bad = services.conversation_import_chat(
                actor=None, member=member, name=Path(path).name, text=text, agent_nicknames=agents, scheme=scheme)
        except ValidationError as exc:
            return {"source": path, "error": "；".join(exc.messages)}
        segments = [{"start": s.start, "end": s.end, "role": s.role, "speaker": s.speaker, "text": s.text}
                    for s in conversation.segments.all()]
        inspection = None
        if conversation.scheme is not None:
            inspection = {"scheme": conversation.scheme.key, "score": conversation.score,
                          "max_score": conversation.max_score,
                          "rules": [{"id": h.rule_id, "passed": h.passed, "evidence": h.evidence}
                                    for h in conversation.rule_hits.all()]}
        return {"source": path, "conversation": conversation.pk, "duration": conversation.duration,
                "segments": segments, "inspection": inspection, "bad_lines": bad}
