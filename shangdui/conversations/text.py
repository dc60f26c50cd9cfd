"""Text clean-up after recognition: Simplified script, Chinese punctuation, numbers, and a
pinyin-based correction of near-homophones against the company vocabulary
(鱼荣服 → 羽绒服 when 羽绒服 is in the vocabulary)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

HAN = re.compile(r"[\u4e00-\u9fff]")
_PUNCT = str.maketrans({",": "，", "?": "？", "!": "！", ":": "：", ";": "；"})

# Words every sales or service conversation uses; the recogniser often writes a homophone instead
# (克服 for 客服). Company vocabulary is added on top of this.
# Only words whose homophones are rare in a sales call: a two-character word replaces its
# homophone only when one character already matches (克服 → 客服), see VocabularyCorrector.
BASE_VOCABULARY = (
    "客服", "售后", "包邮", "优惠券", "旗舰店", "有什么可以帮您", "七天无理由", "运费险", "以旧换新",
    "退款", "退货", "换货", "发货", "快递", "物流", "下单", "订单", "尺码", "质量", "会员", "积分", "链接",
    "店铺", "预约", "分期", "定金", "尾款", "保修", "安装", "配送", "送达", "签收", "顾问", "前台",
)
_REPEAT = re.compile(r"(.{1,6}?)(?:[，、。！？\s]*\1){4,}[，、。！？]?")


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified (Whisper often writes Traditional for Mandarin) and Chinese
    full-width punctuation between Han characters."""
    if not text:
        return text
    out = _t2s().convert(text)
    return out.translate(_PUNCT).replace(".", "。") if HAN.search(out) else out


@functools.cache
def readings(char: str) -> frozenset[str]:
    """The usual toneless pinyin reading of one character (the character itself if not Han).

    Only the most common reading: every reading of a polyphone would make 前 (qian, rarely jian)
    sound like 见 and turn 在前台 into 再见台."""
    if not HAN.fullmatch(char):
        return frozenset((char.lower(),))
    from pypinyin import Style, lazy_pinyin

    return frozenset(lazy_pinyin(char, style=Style.NORMAL, errors="default"))


_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en"), ("ang", "an"))


def _fuzzy(syllable: str) -> str:
    for a, b in _FUZZY:
        syllable = syllable.replace(a, b)
    return syllable.replace("l", "n") if syllable.startswith("l") else syllable


@functools.cache
def fuzzy_readings(char: str) -> frozenset[str]:
    return frozenset(_fuzzy(r) for r in readings(char))


class VocabularyCorrector:
    """Replace windows of text that sound like a vocabulary word but are written differently.

    Exact homophones (toneless) are replaced for words of two or more characters; words of three
    or more may differ by one near-homophone syllable (zh/z, in/ing, l/n ...). Longer words win.
    """

    def __init__(self, words: Iterable[str]) -> None:
        clean = {w.strip() for w in words if w and len(HAN.findall(w.strip())) >= 2}
        self.words = sorted((w for w in clean if all(HAN.fullmatch(c) for c in w)), key=len, reverse=True)

    def correct(self, text: str) -> str:
        if not self.words or not text:
            return text
        chars = list(text)
        locked = [False] * len(chars)
        for word in self.words:
            n = len(word)
            i = 0
            while i + n <= len(chars):
                window = chars[i: i + n]
                if not any(locked[i: i + n]) and self._sounds_like(window, word):
                    chars[i: i + n] = list(word)
                    locked[i: i + n] = [True] * n
                    i += n
                else:
                    i += 1
        return "".join(chars)

    @staticmethod
    def _sounds_like(window: list[str], word: str) -> bool:
        if "".join(window) == word:
            return True
        if len(word) == 2 and window[0] != word[0] and window[1] != word[1]:
            return False
        fuzzy = 0
        for a, b in zip(window, word, strict=True):
            if a == b:
                continue
            if not HAN.fullmatch(a):
                return False
            if readings(a) & readings(b):
                continue
            if len(word) >= 3 and fuzzy_readings(a) & fuzzy_readings(b):
                fuzzy += 1
                if fuzzy > 1:
                    return False
                continue
            return False
        return True


def collapse_repeats(text: str) -> str:
    """Keep one copy of a phrase the recogniser repeated five or more times in a row (a Whisper
    hallucination on trailing silence: "轻，轻，轻，轻，轻")."""
    return _REPEAT.sub(lambda m: m.group(1), text)


_DIGITS = re.compile(r"(?<![\d.])\d{1,4}(?![\d.])")


def digits_to_chinese(text: str) -> str:
    """Short digit runs (counts, hours) as Chinese numerals: "11支" → "十一支". Long runs such as
    phone or order numbers stay digits."""
    import cn2an

    def repl(m: re.Match[str]) -> str:
        try:
            return str(cn2an.an2cn(m.group(0), "low"))
        except (ValueError, KeyError):
            return m.group(0)

    return _DIGITS.sub(repl, text)


def chinese_to_digits(text: str) -> str:
    """Chinese numerals as digits ("十一支" → "11支") so number rules (regex) see one form."""
    import cn2an

    try:
        return str(cn2an.transform(text, "cn2an"))
    except (ValueError, KeyError, IndexError):
        return text


def load_vocabulary(path: str | None) -> list[str]:
    """One word per line; blank lines and ``#`` comments ignored."""
    if not path:
        return []
    with open(path, encoding="utf-8-sig") as fh:
        return [line.strip() for line in fh if line.strip() and not line.lstrip().startswith("#")]
