"""What customers raise and whom they compare us with, from jieba word segmentation of customer turns;
coaching advice for members below the team's top quartile. Pure functions over plain data."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import jieba
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

jieba.setLogLevel(logging.WARNING)

# Topic → the words (jieba tokens) that count for it. A token ending in 贵 (太贵, 很贵) counts as 贵.
TOPICS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "price": (gettext_lazy("Price"), ("价格", "便宜", "贵", "优惠", "降价", "打折", "多少钱", "价钱", "划算")),
    "competitor": (gettext_lazy("Competitors"), ("竞品", "别家", "别的店", "其他店", "同款", "比价")),
    "delivery": (gettext_lazy("Delivery"), ("发货", "物流", "快递", "到货", "配送", "运费", "包邮")),
    "quality": (gettext_lazy("Quality"), ("质量", "做工", "材质", "面料", "起球", "掉色", "瑕疵")),
}
_NOT_PRICE = {"宝贵", "珍贵", "贵姓", "富贵", "尊贵", "可贵"}
SHOP_SUFFIXES = {"旗舰店", "专卖店", "专营店", "官方旗舰店", "小店", "店铺"}
PLATFORMS = ("京东", "拼多多", "天猫", "淘宝", "抖音", "快手", "唯品会")
_STOP = {"在", "的", "了", "是", "去", "到", "上", "也", "那", "这", "他", "她", "我", "你", "就", "都", "和", "跟",
         "家", "别家", "这家", "那家", "你们", "我们", "他们", "人家", "看到", "一个", "个", "买", "比"}
_WORD_TO_TOPIC = {word: topic for topic, (_label, words) in TOPICS.items() for word in words}
for _word in _WORD_TO_TOPIC:
    jieba.add_word(_word)


def _topic_word(token: str) -> str | None:
    if token in _WORD_TO_TOPIC:
        return token
    if token.endswith("贵") and len(token) <= 3 and token not in _NOT_PRICE:
        return "贵"
    return None


def _is_word(token: str) -> bool:
    return bool(token.strip()) and all(ch.isalnum() for ch in token)


def competitor_names(tokens: Sequence[str], own_shops: Iterable[str]) -> list[str]:
    """Names of other shops: the words before 旗舰店/专卖店/… (e.g. 优衣库旗舰店), and sales platforms."""
    own = [s for s in own_shops if s]
    names = [t for t in tokens if t in PLATFORMS]
    for i, token in enumerate(tokens):
        if token not in SHOP_SUFFIXES:
            continue
        parts: list[str] = []
        j = i - 1
        while j >= 0 and len(parts) < 3 and _is_word(tokens[j]) and tokens[j] not in _STOP \
                and tokens[j] not in PLATFORMS:
            parts.insert(0, tokens[j])
            j -= 1
        if parts:
            names.append("".join(parts) + token)
    return [n for n in names if not any(s in n or n in s for s in own)]


def customer_trends(texts: Iterable[tuple[int, str]], own_shops: Iterable[str] = ()) -> dict[str, Any]:
    """``texts``: (conversation id, customer turn). Per topic: mentions, conversations, word counts;
    competitor names with the number of conversations naming them, most named first."""
    own = list(own_shops)
    words: dict[str, Counter[str]] = {topic: Counter() for topic in TOPICS}
    raised: dict[str, set[int]] = {topic: set() for topic in TOPICS}
    competitors: dict[str, set[int]] = {}
    conversations: set[int] = set()
    for conversation_id, text in texts:
        conversations.add(conversation_id)
        tokens = jieba.lcut(text)
        for token in tokens:
            word = _topic_word(token)
            if word is not None:
                topic = _WORD_TO_TOPIC[word]
                words[topic][word] += 1
                raised[topic].add(conversation_id)
        for name in competitor_names(tokens, own):
            competitors.setdefault(name, set()).add(conversation_id)
    total = len(conversations)
    topics = [{
        "key": topic, "label": str(label), "mentions": sum(words[topic].values()),
        "conversations": len(raised[topic]),
        "share": round(100 * len(raised[topic]) / total) if total else 0,
        "words": words[topic].most_common(),
    } for topic, (label, _words) in TOPICS.items()]
    return {
        "conversations": total,
        "topics": sorted(topics, key=lambda t: -t["conversations"]),
        "competitors": sorted(((n, len(ids)) for n, ids in competitors.items()), key=lambda x: (-x[1], x[0])),
    }


# The coaching metrics: (key, higher is better?, how far from the top quartile before we say something).
COACHED = (("talk_ratio", False, 0.05), ("questions", True, 0.5), ("longest_monologue", False, 10.0))


def _advice(key: str, mine: float, top: float) -> str:
    if key == "talk_ratio":
        return _("You talk %(mine)s%% of the time; the top quartile %(top)s%%. Let the customer talk more: after "
                 "each selling point ask an open question such as “您平时主要在什么场合穿？” and wait for the "
                 "answer before going on.") % {"mine": round(100 * mine), "top": round(100 * top)}
    if key == "questions":
        return _("You ask %(mine)s questions a conversation; the top quartile %(top)s. Before recommending, ask "
                 "about budget, use, size and who it is for (“您的预算大概多少？”“是自己穿还是送人？”), "
                 "then recommend from the answers.") % {"mine": f"{mine:.1f}", "top": f"{top:.1f}"}
    return _("Your longest monologue lasts %(mine)s s; the top quartile %(top)s s. Break product introductions "
             "into 20–30 second pieces and check in with “您觉得这个颜色怎么样？” between them.") % {
        "mine": round(mine), "top": round(top)}


def coaching(rows: Sequence[dict[str, Any]], top_quartile: Any, key: str = "score_percent") -> dict[int, list[str]]:
    """Advice per member id for members below the top quartile, metric by metric, against the average
    of the top-quartile members (the benchmark a member can actually reach). ``key`` ranks the
    members: ``score_percent``, or ``sales`` (net sales of linked orders, see ``outcomes.py``)."""
    if top_quartile is None:
        return {}
    top = [r for r in rows if r[key] is not None and r[key] >= top_quartile]
    bench: dict[str, float] = {}
    for metric, _higher, _margin in COACHED:
        values = [r[metric] for r in top if r.get(metric) is not None]
        if values:
            bench[metric] = sum(values) / len(values)
    advice: dict[int, list[str]] = {}
    for row in rows:
        if row[key] is None or row[key] >= top_quartile:
            continue
        items = []
        for metric, higher_is_better, margin in COACHED:
            mine = row.get(metric)
            if mine is None or metric not in bench:
                continue
            gap = (bench[metric] - mine) if higher_is_better else (mine - bench[metric])
            if gap > margin:
                items.append(_advice(metric, mine, bench[metric]))
        if items:
            advice[row["member_id"]] = items
    return advice
