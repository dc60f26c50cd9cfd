"""Demo conversations: ~70 shop chats (聊天记录) of the demo company's customer-service and sales
members over the last six weeks, so the inspection pages, the queue, the scorecard, customer trends,
coaching advice and inspection-score goals have data for a new user.

Every chat is written as the shop tool exports it (``时间 昵称: 内容``) and imported through
``conversation_import_chat``: roles, segments, rule hits, scores and metrics come from the real
parser and the organization's default scheme. The members differ as real teams do: 杨晓敏 and 谢婉清
do everything right, 何雨欣 improves week by week, 郭磊 lets slip forbidden words, 马婷婷 often skips
the self-introduction, 曹雪梅 keeps customers waiting. Sales chats that ended in a purchase carry
the order number of a real demo order. The managers have verified the older failures; the latest
are still in the inspector's queue, one appeal is decided and one waits for 张丽.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from shangdui.conversations import services
from shangdui.conversations.models import Conversation, InspectionScheme, RuleHit
from shangdui.org.models import Member, Organization

DAYS = 42
CUSTOMERS = [
    "小鹿乱撞88",
    "tb_晴天娃娃",
    "momo酱",
    "奔跑的蜗牛",
    "jd_老周",
    "Lily_2019",
    "橘子汽水",
    "阿杰不吃香菜",
    "pdd_开心果",
    "王先生1987",
    "云朵里的猫",
    "夏天的风_",
    "陈女士",
    "walker_z",
    "一颗柠檬",
    "星河滚烫",
    "大白兔奶糖",
    "hz_小林",
    "知足常乐",
    "北京赵姐",
]
RIVALS = ["野兽派旗舰店", "花点时间旗舰店", "Roseonly专卖店", "花加旗舰店"]
PRODUCTS = ["红玫瑰花束 11 枝", "香槟玫瑰礼盒", "向日葵花束", "永生花玻璃罩", "康乃馨花束", "郁金香 10 枝"]


@dataclass
class Profile:
    """Chances that an agent does each thing right (``early`` → ``late`` over the six weeks)."""

    intro: tuple[float, float] = (0.95, 0.95)
    ask: tuple[float, float] = (0.9, 0.9)
    close: tuple[float, float] = (0.9, 0.9)
    polite: tuple[float, float] = (0.97, 0.97)  # no forbidden word
    fast: tuple[float, float] = (0.9, 0.9)  # no reply slower than the scheme's silence limit
    count: int = 8
    sales: bool = False


# member name → profile; the shop they answer for is the shop of their nickname.
PROFILES: dict[str, Profile] = {
    "杨晓敏": Profile(intro=(1, 1), ask=(0.9, 1), close=(1, 1), polite=(1, 1), fast=(0.9, 0.9), count=12),
    "何雨欣": Profile(intro=(0.5, 1), ask=(0.2, 0.95), close=(0.3, 0.95), polite=(0.9, 1), fast=(0.5, 0.95), count=10),
    "郭磊": Profile(intro=(0.9, 0.9), ask=(0.7, 0.7), close=(0.8, 0.8), polite=(0.45, 0.55), fast=(0.7, 0.7), count=9),
    "马婷婷": Profile(
        intro=(0.3, 0.4), ask=(0.6, 0.6), close=(0.7, 0.7), polite=(0.95, 0.95), fast=(0.8, 0.8), count=8
    ),
    "林芳": Profile(intro=(0.8, 0.8), ask=(0.6, 0.6), close=(0.7, 0.7), polite=(0.95, 0.95), fast=(0.8, 0.8), count=4),
    "谢婉清": Profile(
        intro=(1, 1), ask=(1, 1), close=(0.95, 0.95), polite=(1, 1), fast=(0.9, 0.9), count=10, sales=True
    ),
    "韩涛": Profile(
        intro=(0.8, 0.8), ask=(0.7, 0.8), close=(0.7, 0.8), polite=(0.9, 0.9), fast=(0.75, 0.75), count=8, sales=True
    ),
    "曹雪梅": Profile(
        intro=(0.8, 0.8), ask=(0.4, 0.4), close=(0.6, 0.6), polite=(0.9, 0.9), fast=(0.3, 0.3), count=7, sales=True
    ),
}
SHOP_OF = {
    "杨晓敏": "花语优选旗舰店",
    "何雨欣": "花语优选京东自营店",
    "郭磊": "花语优选旗舰店",
    "马婷婷": "花语优选拼多多店",
    "林芳": "花语优选抖音小店",
    "谢婉清": "花语优选旗舰店",
    "韩涛": "花语优选京东自营店",
    "曹雪梅": "花语优选旗舰店",
}


# Per kind of chat: the customer's openings, and exchanges (the agent's question, the customer's answer
# raising price / competitors / delivery / quality, the agent's reply). ``{p}`` is a product, ``{r}`` a rival.
OPENINGS = {
    "presale": [
        "在吗？想问下{p}还有货吗",
        "你好，{p}今天下单能送到吗",
        "{p}多少钱啊，能便宜点吗",
        "想给女朋友买束花，有推荐吗",
    ],
    "aftersale": [
        "昨天收到的{p}，花瓣边缘都黑了",
        "{p}少了两枝，包装也压坏了",
        "花的质量太差了，我要退款",
        "收到的{p}跟图片差太多了",
    ],
    "sales": [
        "你好，我们公司想订一批办公室绿植",
        "公司年会要订 30 束花，怎么合作",
        "想给客户每周送花，有企业月卡吗",
        "门店开业要{p}做花篮，能批量吗",
    ],
}
EXCHANGES = {
    "presale": [
        (
            "请问是送给什么人的呢？",
            "送女朋友的，后天生日，价格有点贵，有没有优惠券？",
            "现在领店铺券满 199 减 20，再送一张手写贺卡",
        ),
        (
            "您希望哪天送到呢？",
            "周六上午，上海浦东，能到货吗？发什么快递？",
            "江浙沪次日达，顺丰冷链，全国包邮，周六上午送到",
        ),
        (
            "预算大概是多少呢？",
            "两百以内吧，{r}同款便宜二十块",
            "我们是厄瓜多尔进口花材，枝数也多两枝，我帮您申请个小优惠",
        ),
        ("收花地址是在哪个城市呢？", "杭州西湖区，别家都包邮的，你们运费多少", "杭州同城当天送达，不收运费"),
        (
            "对花的颜色有什么偏好吗？",
            "要红色的，花的质量怎么样，上次在别的店买的花瓣都蔫了",
            "都是当天现剪、保水包装，签收后 48 小时内有问题包退换",
        ),
        ("需要写贺卡吗？", "要的，能不能打折？买两束的话", "两束打九五折，贺卡内容您发我就行"),
    ],
    "aftersale": [
        (
            "方便拍一张花束的照片给我看看吗？",
            "照片发你了，你看这质量",
            "非常抱歉，照片收到了，我们给您全额补发一束新的",
        ),
        (
            "请问是哪天签收的呢？",
            "前天下午签收的，快递在路上压了一天",
            "是物流耽误了，我们改用顺丰冷链给您补发，运费我们承担",
        ),
        (
            "您的订单号方便发我一下吗？",
            "你们自己查吧，这次再不行我就去{r}买了",
            "查到了，给您退款 50 元作为补偿，新花今天发出",
        ),
        (
            "是外包装破损还是花枝折断了呢？",
            "花枝断了三根，做工也粗糙，丝带都松了",
            "这是我们打包的问题，已经反馈给仓库，给您补发",
        ),
        (
            "补发的花您希望哪天到呢？",
            "周末要用，能补发吗？其他店都是坏一赔一",
            "今天下午补发，周六前一定送到，另外送您一张 20 元券",
        ),
    ],
    "sales": [
        (
            "请问大概需要多少份呢？",
            "30 份左右，批量能打几折？价格合适就长期合作",
            "30 份以上按八八折，长期合作每月还有额外返点",
        ),
        (
            "活动是哪天举行呢？",
            "下周五，{r}报价比你们低一些",
            "我们含花瓶和每周换水养护，算下来比单买划算，我给您出一份报价单",
        ),
        (
            "需要开增值税专用发票吗？",
            "要专票，送到杭州西湖区，能包邮吗？",
            "可以开专票，下单后三个工作日内开出，杭州同城免费配送",
        ),
        (
            "对花材颜色有什么偏好吗？",
            "要素雅一点，质量要保证，上次别家送来的都有掉色",
            "我们每批出库前都质检，我先发您花材样图确认",
        ),
        (
            "送货地址是在哪个区呢？",
            "滨江区，两个办公点，配送能分两批吗？物流怎么安排",
            "可以分两批配送，每批前一天电话确认",
        ),
    ],
}
IMPOLITE = [
    ("那到底什么时候能到？", "这个我也不知道，快递的事没办法"),
    ("你们能不能给个准话", "没办法，系统就这样"),
    ("那我找谁？", "售后不归我管，你自己去找快递吧"),
]
# A forbidden-word hit that is not one: "不知道您……" asks the customer; 郭磊 appeals it and 张丽 upholds it.
FALSE_ALARM = "新花今天补发，不知道您这边明天上午方便签收吗？我让快递员提前电话联系。"


def _chance(rng: random.Random, pair: tuple[float, float], progress: float) -> bool:
    return rng.random() < pair[0] + (pair[1] - pair[0]) * progress


def _chat(
    rng: random.Random,
    *,
    profile: Profile,
    progress: float,
    agent: str,
    nick: str,
    customer: str,
    start: dt.datetime,
    order_no: str,
    kind: str,
    false_alarm: bool,
) -> str:
    """The chat as the shop tool exports it: ``时间 昵称: 内容`` a line."""
    fill = {"p": rng.choice(PRODUCTS), "r": rng.choice(RIVALS)}
    turns: list[tuple[str, str]] = [("c", rng.choice(OPENINGS[kind]).format(**fill))]
    if _chance(rng, profile.intro, progress):
        turns.append(
            (
                "a",
                rng.choice(
                    [
                        f"您好，我是{agent}，很高兴为您服务~",
                        f"您好呀，我是{SHOP_OF[agent]}的{agent}，请问有什么可以帮您？",
                    ]
                ),
            )
        )
    else:
        turns.append(("a", rng.choice(["在的", "嗯，说吧", "看到了，稍等"])))
    asks = _chance(rng, profile.ask, progress)
    for question, answer, reply in rng.sample(EXCHANGES[kind], 2):
        if asks:
            turns.append(("a", question))
        turns.append(("c", answer.format(**fill)))
        turns.append(("a", reply))
    if false_alarm:
        turns.append(("a", FALSE_ALARM))
    elif not _chance(rng, profile.polite, progress):
        push, slip = rng.choice(IMPOLITE)
        turns += [("c", push), ("a", slip)]
    if order_no:
        turns += [
            ("c", "好的，我拍下了，已经付款"),
            ("a", f"收到，订单号 {order_no}，我们今天安排，发货后第一时间通知您"),
        ]
    else:
        turns.append(("c", rng.choice(["好的，我考虑一下", "行吧，那就这样", "好的谢谢"])))
    if _chance(rng, profile.close, progress):
        turns.append(
            ("a", rng.choice(["还有什么可以帮您的吗？祝您生活愉快~", "感谢您的支持，祝您和家人节日快乐，再见~"]))
        )
    else:
        turns.append(("a", rng.choice(["好的", "嗯嗯"])))
    slow_at = rng.randrange(2, len(turns)) if not _chance(rng, profile.fast, progress) else -1
    lines, moment = [], start
    for index, (role, text) in enumerate(turns):
        if index:
            moment += dt.timedelta(seconds=rng.randint(25, 140) if index == slow_at else rng.randint(2, 6))
        lines.append(f"{moment:%Y-%m-%d %H:%M:%S} {nick if role == 'a' else customer}: {text}")
    return "\n".join(lines) + "\n"


def _order_numbers(organization: Organization) -> list[tuple[dt.date, str]]:
    """Paid, unrefunded orders of the demo shops over the period: (date, order id)."""
    from shangdui.shop.models import Order

    since = timezone.localdate() - dt.timedelta(days=DAYS + 1)
    return list(
        Order.objects.filter(organization=organization, paid_at__isnull=False, refund_amount=0, order_date__gte=since)
        .order_by("order_date", "id")
        .values_list("order_date", "order_id")
    )


@transaction.atomic
def demo_conversations(*, organization: Organization, seed: int = 2026) -> int:
    """Create the demo conversations once (nothing happens if the organization already has some);
    returns how many were imported."""
    if Conversation.objects.filter(organization=organization).exists():
        return 0
    scheme = InspectionScheme.objects.filter(organization=organization, is_default=True).first()
    members = {
        m.name: m for m in Member.objects.filter(organization=organization, name__in=[*PROFILES, "张丽", "郑伟"])
    }
    if scheme is None or not all(name in members for name in PROFILES):
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    tz = timezone.get_current_timezone()
    now = timezone.localtime(timezone.now(), tz).replace(tzinfo=None)
    orders = _order_numbers(organization)
    by_date: dict[dt.date, list[str]] = {}
    for day, number in orders:
        by_date.setdefault(day, []).append(number)
    used: set[str] = set()
    made: list[tuple[str, Conversation, float]] = []
    for name, profile in PROFILES.items():
        member = members[name]
        nick = f"{SHOP_OF[name]}-{name[-2:]}"
        offsets = sorted((rng.uniform(0.1, DAYS) for _ in range(profile.count)), reverse=True)
        offsets[-1] = 0.0  # everyone chatted today: this month's goals have data
        for index, offset in enumerate(offsets):
            # Shop hours, 09:00-21:00: a day's earlier offset (larger fraction) is an earlier hour.
            day = now.date() - dt.timedelta(days=int(offset))
            start = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(seconds=int((1 - offset % 1) * 12 * 3600 - 1))
            start = min(start, now - dt.timedelta(minutes=30))
            progress = 1 - offset / DAYS
            order_no = ""
            sold = profile.sales and rng.random() < {"谢婉清": 0.8, "韩涛": 0.5}.get(name, 0.3)
            if sold:
                free = [n for n in by_date.get(start.date(), []) if n not in used]
                if free:
                    order_no = rng.choice(free)
                    used.add(order_no)
            false_alarm = name == "郭磊" and index == len(offsets) - 2
            text = _chat(
                rng,
                profile=profile,
                progress=progress,
                agent=name,
                nick=nick,
                customer=rng.choice(CUSTOMERS),
                start=start,
                order_no=order_no,
                kind="sales"
                if profile.sales
                else "aftersale"
                if name in ("郭磊", "马婷婷") or rng.random() < 0.25
                else "presale",
                false_alarm=false_alarm,
            )
            conversation, _bad = services.conversation_import_chat(
                actor=None,
                member=member,
                name=f"{start:%Y%m%d-%H%M}-{nick}.txt",
                text=text,
                agent_nicknames=[nick],
                scheme=scheme,
            )
            if order_no:
                # The chat export has no order column: the agent fills in the order the chat led to.
                Conversation.objects.filter(pk=conversation.pk).update(order_no=order_no)
            made.append((name, conversation, offset))
    _review(members, made)
    return len(made)


def _review(members: dict[str, Member], made: list[tuple[str, Conversation, float]]) -> None:
    """Managers verified last week's failures and older; 郭磊's false alarm is appealed and upheld;
    马婷婷's latest missing introduction is appealed and waits for 张丽."""
    cs_head, sales_head = members["张丽"], members["郑伟"]
    appealed: dict[str, tuple[Member, str]] = {}
    for name, rule_id in (("郭磊", "forbidden_words"), ("马婷婷", "self_intro")):
        recent = [c for n, c, _offset in made if n == name]
        for conversation in reversed(recent[:-1] if name == "郭磊" else recent):
            hit = conversation.rule_hits.filter(rule_id=rule_id, passed=False).first()
            if hit is not None:
                appealed[name] = (members[name], str(hit.pk))
                break
    appealed_ids = {int(pk) for _member, pk in appealed.values()}
    failures = RuleHit.objects.filter(conversation__in=[c for _n, c, offset in made if offset > 7], passed=False)
    for hit in failures.select_related("conversation__member").exclude(pk__in=appealed_ids):
        head = sales_head if PROFILES[hit.conversation.member.name].sales else cs_head
        comment = "已回听确认" if hit.rule_id != "competitor_mention" else "客户比价，已记录"
        services.rule_hit_decide(actor=head, hit=hit, decision=RuleHit.Decision.CONFIRMED, comment=comment)
    if "郭磊" in appealed:
        member, pk = appealed["郭磊"]
        appeal = services.appeal_create(
            actor=member,
            hit=RuleHit.objects.get(pk=pk),
            reason="我说的是“不知道您这边明天上午方便签收吗”，是在问客户，不是服务禁语。",
        )
        services.appeal_decide(actor=cs_head, appeal=appeal, uphold=True, comment="确认是询问客户，误判，申诉成立。")
    if "马婷婷" in appealed:
        member, pk = appealed["马婷婷"]
        services.appeal_create(
            actor=member,
            hit=RuleHit.objects.get(pk=pk),
            reason="客户一上来就催发货，我先查物流回复了客户，客户最后很满意，这条不应扣分。",
        )
