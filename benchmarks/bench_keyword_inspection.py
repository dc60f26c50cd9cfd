"""Keyword inspection throughput: 20,000 keyword rules over 5,000 transcripts of 1,500 characters,
on one core, homophone-tolerant (pinyin) matching on as by default.

    .venv/bin/python benchmarks/bench_keyword_inspection.py [--rules 20000] [--transcripts 5000]
        [--chars 1500] [--exact]

Transcripts are drawn word by word from jieba's dictionary by frequency (a unigram model of
Chinese); rules are 1-3 keywords (any/all) of 2-4 characters from its 60,000 most frequent words,
so matches happen at a realistic rate. Prints build time, transcripts per second and matches per transcript,
and checks the matcher against a plain substring scan on a sample.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shangdui.conversations.inspection.matcher import RuleSetMatcher, canonical, canonical_table  # noqa: E402


def load_lexicon() -> tuple[list[str], list[int]]:
    """Words and frequencies from jieba's dictionary (shipped in the wheel): a unigram model of
    written Chinese, so transcripts and keywords collide as often as real ones do."""
    import jieba

    words, freqs = [], []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            word, freq, *_ = line.split()
            if all("\u4e00" <= c <= "\u9fff" for c in word):
                words.append(word)
                freqs.append(int(freq))
    return words, freqs


def make_rules(n: int, rng: random.Random, lexicon) -> list[tuple[list[str], bool, bool]]:
    """1-3 keywords of 2-4 characters per rule, drawn from the 60,000 most frequent words (a
    company's rule keywords are everyday words such as 不知道, 投诉, 太贵, plus product names)."""
    words, freqs = lexicon
    common = [w for w, _ in sorted(
        ((w, f) for w, f in zip(words, freqs, strict=True) if 2 <= len(w) <= 4), key=lambda p: -p[1]
    )[:60000]]
    rules = []
    for _ in range(n):
        picked = [rng.choice(common) for _ in range(rng.randint(1, 3))]
        rules.append((picked, rng.random() < 0.2, True))
    return rules


def make_transcripts(n: int, chars: int, rng: random.Random, lexicon) -> list[str]:
    words, freqs = lexicon
    cum = list(itertools.accumulate(freqs))
    out = []
    for _ in range(n):
        parts: list[str] = []
        size = 0
        while size < chars:
            batch = rng.choices(words, cum_weights=cum, k=200)
            parts.extend(batch)
            size += sum(map(len, batch))
        out.append("".join(parts)[:chars])
    return out


def _naive_hit(text: str, canon: str, word: str, tolerant: bool) -> bool:
    if not tolerant:
        return word in text
    key = canonical(word)
    at = canon.find(key)
    while at >= 0:
        if len(word) != 2 or text[at] == word[0] or text[at + 1] == word[1]:
            return True
        at = canon.find(key, at + 1)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=20000)
    parser.add_argument("--transcripts", type=int, default=5000)
    parser.add_argument("--chars", type=int, default=1500)
    parser.add_argument("--exact", action="store_true", help="turn homophone matching off")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as specified
    rng = random.Random(args.seed)
    lexicon = load_lexicon()
    rules = make_rules(args.rules, rng, lexicon)
    if args.exact:
        rules = [(w, a, False) for w, a, _ in rules]
    texts = make_transcripts(args.transcripts, args.chars, rng, lexicon)
    canonical_table()  # the pinyin table is built once per process; not part of a scan

    start = time.perf_counter()
    matcher = RuleSetMatcher(rules)
    build_s = time.perf_counter() - start

    start, cpu0 = time.perf_counter(), time.process_time()
    total = 0
    for text in texts:
        total += len(matcher.matched(text))
    scan_s = time.perf_counter() - start
    cpu_s = time.process_time() - cpu0  # steadier than wall time on a shared machine

    # Correctness spot check against a naive scan (str.find) in the same alphabet.
    for text in texts[:3]:
        canon = canonical(text) if not args.exact else text
        expect = set()
        for index, (words, need_all, tolerant) in enumerate(rules):
            hits = [_naive_hit(text, canon, w, tolerant) for w in dict.fromkeys(words)]
            if all(hits) if need_all else any(hits):
                expect.add(index)
        assert set(matcher.matched(text)) == expect, "matcher disagrees with a naive scan"

    print(json.dumps({
        "rules": args.rules, "transcripts": args.transcripts, "chars": args.chars,
        "pinyin": not args.exact, "build_s": round(build_s, 2), "scan_s": round(scan_s, 3),
        "transcripts_per_s": round(args.transcripts / scan_s), "cpu_s": round(cpu_s, 3),
        "transcripts_per_cpu_s": round(args.transcripts / cpu_s), "matched_rules_per_transcript":
        round(total / args.transcripts, 1), "target_per_s": 5000,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
