"""Text clean-up: Simplified script, vocabulary correction by pinyin, numbers, repetitions."""

from __future__ import annotations

from shangdui.conversations.text import (
    BASE_VOCABULARY,
    VocabularyCorrector,
    chinese_to_digits,
    collapse_repeats,
    digits_to_chinese,
    load_vocabulary,
    to_simplified,
)


def test_traditional_becomes_simplified_with_chinese_punctuation():
    assert to_simplified("請問有什麼可以幫您?") == "请问有什么可以帮您？"
    assert to_simplified("OK, fine") == "OK, fine"


def test_vocabulary_fixes_homophones():
    fix = VocabularyCorrector([*BASE_VOCABULARY, "羽绒服", "花语鲜花店", "会籍顾问"])
    assert fix.correct("这件鱼荣服很暖和") == "这件羽绒服很暖和"
    assert fix.correct("我是花羽鲜花店的克服") == "我是花语鲜花店的客服"
    assert fix.correct("我是会级顾问") == "我是会籍顾问"


def test_vocabulary_leaves_ordinary_words_alone():
    fix = VocabularyCorrector([*BASE_VOCABULARY, "再见"])
    # 前 is usually qian: 在前台 must not become 再见台; 有新 must not become 尾款 or similar.
    for text in ("到时候我在前台等您", "我们这个月有新会员优惠", "我想加个微信"):
        assert fix.correct(text) == text


def test_numbers_both_ways():
    assert digits_to_chinese("11支，周六上午10点") == "十一支，周六上午十点"
    assert digits_to_chinese("订单号 2026112712345") == "订单号 2026112712345"
    assert chinese_to_digits("十一支") == "11支"


def test_collapse_repeated_hallucination():
    assert collapse_repeats("祝您周末愉快，轻，轻，轻，轻，轻，轻。") == "祝您周末愉快，轻"
    assert collapse_repeats("跑跑步，好好好") == "跑跑步，好好好"


def test_load_vocabulary(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("\ufeff羽绒服\n\n# 注释\n 花语鲜花店 \n", encoding="utf-8")
    assert load_vocabulary(str(path)) == ["羽绒服", "花语鲜花店"]
    assert load_vocabulary(None) == []
