"""Which inspection rule shows which scenario, for suggested clips.

A rule belongs to the first scenario one of whose keywords occurs in its id or name (lower case).
The default scheme's rules map as: self_intro (开场自我介绍) → opening, needs (需求探询) → discovery,
closing (结束语) → closing; a price/objection rule a company adds → objection handling. Rules that
check for an absence (silence, forbidden words, monologues) match no keyword and suggest nothing.
"""

from __future__ import annotations

from shangdui.coaching.models import Scenario

KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Scenario.OPENING, ("self_intro", "intro", "greet", "opening", "welcome", "开场", "问候", "自我介绍", "欢迎")),
    (Scenario.DISCOVERY, ("need", "question", "discover", "ask", "probe", "需求", "提问", "询问", "探询", "问题")),
    (Scenario.OBJECTION, ("objection", "price", "concern", "discount", "异议", "价格", "顾虑", "优惠", "嫌贵")),
    (Scenario.CLOSING, ("closing", "close", "order", "deal", "payment", "成交", "下单", "促单", "付款", "结束语")),
)


def scenario_of_rule(rule_id: str, name: str = "") -> str | None:
    text = f"{rule_id} {name}".lower()
    for scenario, words in KEYWORDS:
        if any(word in text for word in words):
            return str(scenario)
    return None
