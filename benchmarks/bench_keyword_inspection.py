"""Keyword inspection throughput: 20,000 keyword rules over 5,000 transcripts of 1,500 characters,
on one core, homophone-tolerant (pinyin) matching on as by default.

    .venv/bin/python benchmarks/bench_keyword_inspection.py [--rules 20000] [--transcripts 5000]
        [--chars 1500] [--exact] [--baseline 1000]

Transcripts are drawn word by word from jieba's dictionary by frequency (a unigram model of
Chinese) and cut into turns of 20-80 characters, agent and customer in turn, at 4 characters a
second. Rules are 1-3 keywords (any/all) of 2-4 characters from its 60,000 most frequent words, so
matches happen at a realistic rate; each rule has a role (agent/customer/any), 30 % a scope
(first/last turns or seconds), 20 % expect absent, 1-10 points.

What is timed is ``Inspector.inspect_many``: the real inspection of every transcript (score, which
rules passed and their evidence turns; each result's rule list is built only when read). The
baseline, timed in the same process, is the earlier bulk matcher ``RuleSetMatcher`` over the same
transcripts as flat text (no roles, scopes or evidence). A sample is checked against a plain
substring scan. CPU time is reported: the machine is shared.
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

from shangdui.conversations.inspection import Inspector, parse_scheme  # noqa: E402
from shangdui.conversations.inspection.matcher import RuleSetMatcher, canonical, canonical_table  # noqa: E402
from shangdui.conversations.pipeline.types import Segment  # noqa: E402


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


def make_rules(n: int, rng: random.Random, lexicon, pinyin: bool = True) -> list[dict]:
    """1-3 keywords of 2-4 characters per rule, drawn from the 60,000 most frequent words (a
    company's rule keywords are everyday words such as 不知道, 投诉, 太贵, plus product names)."""
    words, freqs = lexicon
    common = [
        w
        for w, _ in sorted(
            ((w, f) for w, f in zip(words, freqs, strict=True) if 2 <= len(w) <= 4), key=lambda p: -p[1]
        )[:60000]
    ]
    scopes = [
        {"first_turns": 3},
        {"last_turns": 2},
        {"first_seconds": 30},
        {"last_seconds": 60},
        {"first_turns": 10, "last_turns": 4},
    ]
    rules = []
    for i in range(n):
        picked = [rng.choice(common) for _ in range(rng.randint(1, 3))]
        rule = {
            "id": f"r{i}",
            "kind": "keyword",
            ("all" if rng.random() < 0.2 else "any"): picked,
            "role": rng.choice(["agent", "customer", "any"]),
            "points": rng.randint(1, 10),
            "expect": "absent" if rng.random() < 0.2 else "present",
        }
        if rng.random() < 0.3:
            rule["scope"] = rng.choice(scopes)
        if not pinyin:
            rule["pinyin"] = False
        rules.append(rule)
    return rules


def make_transcripts(n: int, chars: int, rng: random.Random, lexicon) -> list[list[Segment]]:
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
        text = "".join(parts)[:chars]
        segs, at, t = [], 0, 0.0
        while at < len(text):
            piece = text[at : at + rng.randint(20, 80)]
            role = "agent" if len(segs) % 2 == 0 else "customer"
            segs.append(Segment(t, t + len(piece) / 4, role, role, piece))
            at += len(piece)
            t += len(piece) / 4 + rng.uniform(0.2, 2.0)
        out.append(segs)
    return out


def _occurs(text: str, word: str, pinyin: bool) -> bool:
    if not pinyin:
        return word.lower() in text.lower()
    key, canon = canonical(word), canonical(text)
    at = canon.find(key)
    while at >= 0:
        if len(word) != 2 or text[at] == word[0] or text[at + 1] == word[1]:
            return True
        at = canon.find(key, at + 1)
    return False


def naive_inspect(scheme, segs: list[Segment]) -> tuple[int, list[tuple[str, bool, list[int]]]]:
    """Rule by rule, turn by turn, with str.find: what the engine must agree with."""
    duration = max((s.end for s in segs), default=0.0)
    score, out = 0, []
    for rule in scheme.rules:
        turns = [i for i, s in enumerate(segs) if rule.role in ("any", s.role)]
        if "first_seconds" in rule.scope:
            turns = [i for i in turns if segs[i].start < rule.scope["first_seconds"]]
        if "last_seconds" in rule.scope:
            turns = [i for i in turns if segs[i].end > duration - rule.scope["last_seconds"]]
        if "first_turns" in rule.scope:
            turns = turns[: int(rule.scope["first_turns"])]
        if "last_turns" in rule.scope:
            turns = turns[len(turns) - min(len(turns), int(rule.scope["last_turns"])) :]
        where = {w: {i for i in turns if _occurs(segs[i].text, w, rule.pinyin)} for w in rule.any or rule.all}
        found = any(where.values()) if rule.any else all(where.values())
        passed = found if rule.expect == "present" else not found
        score += rule.points if passed else 0
        out.append((rule.id, passed, sorted(set().union(*where.values()))))
    return score, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=20000)
    parser.add_argument("--transcripts", type=int, default=5000)
    parser.add_argument("--chars", type=int, default=1500)
    parser.add_argument("--exact", action="store_true", help="turn homophone matching off")
    parser.add_argument("--baseline", type=int, default=1000, help="transcripts for the RuleSetMatcher baseline")
    parser.add_argument("--check", type=int, default=2, help="transcripts checked against a naive scan")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as specified
    rng = random.Random(args.seed)
    lexicon = load_lexicon()
    scheme = parse_scheme({"id": "bench", "rules": make_rules(args.rules, rng, lexicon, not args.exact)})
    transcripts = make_transcripts(args.transcripts, args.chars, rng, lexicon)
    canonical_table()  # the pinyin table is built once per process; not part of a scan

    start = time.perf_counter()
    inspector = Inspector(scheme)
    build_s = time.perf_counter() - start

    start, cpu0 = time.perf_counter(), time.process_time()
    total_score = 0
    results = []  # a sample is read back below; keeping all 5,000 would only measure memory
    for result in inspector.inspect_many((segs, None) for segs in transcripts):
        total_score += result.score
        if len(results) < max(50, args.check):
            results.append(result)
    scan_s = time.perf_counter() - start
    cpu_s = time.process_time() - cpu0  # steadier than wall time on a shared machine

    # Baseline: the earlier many-rules matcher, same rules and texts as flat strings.
    flat_rules = [(r.any or r.all, bool(r.all), r.pinyin) for r in scheme.rules]
    matcher = RuleSetMatcher(flat_rules)
    texts = ["".join(s.text for s in segs) for segs in transcripts[: args.baseline]]
    base_cpu0 = time.process_time()
    for text in texts:
        matcher.matched(text)
    base_cpu_s = time.process_time() - base_cpu0

    # What a result holds, read back for a sample (this builds the rule lists).
    sample = results[:50]
    found = sum(
        r.passed != (rule.expect == "absent") for res in sample for r, rule in zip(res.rules, scheme.rules, strict=True)
    )
    evidence = sum(len(r.evidence) for res in sample for r in res.rules)
    for segs, result in zip(transcripts[: args.check], results, strict=False):
        score, rules = naive_inspect(scheme, segs)
        got = [(r.id, r.passed, [e["segment"] for e in r.evidence]) for r in result.rules]
        assert (result.score, got) == (score, rules), "inspection disagrees with a naive scan"

    print(
        json.dumps(
            {
                "rules": args.rules,
                "transcripts": args.transcripts,
                "chars": args.chars,
                "turns_per_transcript": round(sum(map(len, transcripts)) / len(transcripts), 1),
                "pinyin": not args.exact,
                "build_s": round(build_s, 2),
                "scan_s": round(scan_s, 3),
                "transcripts_per_s": round(args.transcripts / scan_s),
                "cpu_s": round(cpu_s, 3),
                "transcripts_per_cpu_s": round(args.transcripts / cpu_s),
                "baseline_rule_set_matcher_per_cpu_s": round(len(texts) / base_cpu_s),
                "speedup_cpu": round(
                    len(texts) / base_cpu_s and (args.transcripts / cpu_s) / (len(texts) / base_cpu_s), 2
                ),
                "found_rules_per_transcript": round(found / len(sample), 1),
                "evidence_turns_per_transcript": round(evidence / len(sample), 1),
                "mean_score": round(total_score / len(transcripts), 1),
                "max_score": scheme.max_score,
                "target_per_s": 5000,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
