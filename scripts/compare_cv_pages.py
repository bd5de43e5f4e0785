#!/usr/bin/env python3
"""Compare two cross-validation runs page by page (scripts/train_extract.py --pages-out).

usage: compare_cv_pages.py BEFORE.jsonl AFTER.jsonl

Retraining the block model on slightly different pages moves every page's cross-validated F1 a
little (on the news set, 0.005 of the set's figure after a change that left every news page's
features the same). So the set figures alone cannot tell a small change's effect from that
movement. This prints, per set, the change in per-page F1 summed over the pages whose blocks or
features changed (the change's own effect) and over the pages that did not (retraining's
movement), with the number of pages in each and the pages that moved most.
"""
import json
import sys
from collections import defaultdict


def load(path):
    with open(path, encoding="utf-8") as f:
        return {(r["set"], r["id"]): r for r in map(json.loads, filter(str.strip, f))}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    before, after = load(sys.argv[1]), load(sys.argv[2])
    sums = defaultdict(lambda: [0, 0.0])
    moved = []
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        group = "changed" if a["features"] != b["features"] else "unchanged"
        delta = b["f1"] - a["f1"]
        sums[(key[0], group)][0] += 1
        sums[(key[0], group)][1] += delta
        if group == "changed":
            moved.append((delta, key[0], key[1], a["kind"], a["f1"], b["f1"]))
    print(f"{'set':<8}{'pages':<12}{'n':>6}{'sum of F1 changes':>20}{'mean':>10}")
    for (set_name, group), (n, total) in sorted(sums.items()):
        print(f"{set_name:<8}{group:<12}{n:>6}{total:>20.3f}{total / n:>10.4f}")
    if moved:
        moved.sort()
        print("pages whose features changed, most lost and most gained:")
        for delta, set_name, page, kind, a, b in moved if len(moved) <= 10 else moved[:5] + moved[-5:]:
            print(f"  {set_name} {page} {kind}: {a:.3f} -> {b:.3f} ({delta:+.3f})")


if __name__ == "__main__":
    main()
