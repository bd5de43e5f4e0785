#!/usr/bin/env python3
"""Train the title model (`make train-title`) or, with --field date, the date model (`make
train-date`): which of a page's candidates is its title, or its publication date.

1. Every development set whose truth has the field (today WCXB's pages: 1,358 with a title, 708
   with a date) is fed to `winnow features` as a WARC with the pages' URLs, which writes each
   page's candidates with their features and the shipped model's score: for the title (its
   `<h1>`s, JSON-LD headline, meta title and `<title>`, one for each wording) the features of
   Sources/WinnowStages/Extract/TitleChooser.swift, for the date (each day the page gives, with
   its sources) those of DateChooser.swift.
2. A candidate is right when it matches the truth as Benchmarks/extraction_eval.py counts it
   (title: one normalised string contains the other and the shorter is over 60% of the longer;
   date: the same day).
3. Five folds by domain (the evaluation's): a model trained on four folds picks the best-scored
   candidate of each page of the fifth. Printed: the share of the pages with the field in their
   truth whose pick is right (a page `extract` writes no document for counts as wrong, as in the
   evaluation), in all and per page kind; beside it the shipped model's picks (fitted) and the
   best any candidate could do.
4. With --write-swift, the model trained on every page is written as Swift source
   (TitleModelParameters.swift or DateModelParameters.swift, the same generated trees as the
   block model's) and, with --write-parity, sample vectors with scikit-learn's raw scores for the
   Swift test.

Python and scikit-learn run here only; Winnow ships the generated source.
"""
import argparse
import json
import os
import sys
from collections import defaultdict, namedtuple

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Benchmarks"))
sys.path.insert(0, HERE)
from extraction_eval import FOLDS, date_right, domain_of, fold_of, title_right  # noqa: E402
from train_extract import SETS, set_features, set_truth, write_generated  # noqa: E402

# Small trees, for both fields. Title: 2,341 candidates on 1,358 pages. Measured on the pages
# Winnow writes (1,340, five domain folds, on a first version of the features): 50 trees of at most 8 leaves (20 candidates
# a leaf) pick right on 0.857; 100 such trees 0.859, 50 of 16 leaves (10 a leaf) 0.861, 30 of 4
# leaves 0.848; a logistic regression 0.836-0.844; the rule before the model 0.842. Over all
# 1,358 pages (a page without a document counts as wrong), the shipped setting cross-validates
# at 0.851 against the rule's 0.831. Date (815 candidates on 708 pages, before the rules' choice was
# a feature): 8 leaves 0.874, 16 leaves 0.871, 100 trees 0.869, 4 leaves 0.869.
PARAMS = {"max_iter": 50, "learning_rate": 0.1, "max_leaf_nodes": 8, "min_samples_leaf": 20}


# Per field: the features file's key for its candidates and their feature names, the truth's key,
# the check of a candidate against the truth, the Swift type the trees extend, the make target.
Field = namedtuple("Field", "candidates names truth right swift_type target")
FIELDS = {
    "title": Field("titles", "title_names", "title", title_right, "TitleModel", "train-title"),
    "date": Field("dates", "date_names", "date", date_right, "DateModel", "train-date"),
}


def new_model():
    from sklearn.ensemble import HistGradientBoostingClassifier
    return HistGradientBoostingClassifier(early_stopping=False, random_state=0, **PARAMS)


def load(binary, shared, work, field="title"):
    """[(truth row, [(candidate text, features, shipped score)], whether `extract` writes the
    page)] for every page whose truth has the field (no candidates for a page Winnow could not
    clean), and the feature names."""
    spec = FIELDS[field]
    pages = []
    names = None
    for set_name in SETS:
        truth = set_truth(shared, set_name)
        if not any((r.get(spec.truth) or "").strip() for r in truth.values()):
            continue
        features, by_url = set_features(binary, shared, work, set_name, truth)
        found = {}
        with open(features, encoding="utf-8") as f:
            header = json.loads(f.readline())
            names = header[spec.names]
            for line in f:
                row = json.loads(line)
                ids = by_url.get(row["url"])
                if ids:
                    found[ids.pop(0)] = ([(t["text"], t["f"], t["score"]) for t in row[spec.candidates]], row["written"])
        for page_id in sorted(truth):
            if (truth[page_id].get(spec.truth) or "").strip():
                cands, written = found.get(page_id, ([], False))
                pages.append((truth[page_id], cands, written))
    return pages, names


def arrays(pages, field="title"):
    spec = FIELDS[field]
    X = [c[1] for _, cands, _ in pages for c in cands]
    y = [int(spec.right(c[0], t[spec.truth])) for t, cands, _ in pages for c in cands]
    return np.array(X, dtype=np.float64), np.array(y)


def picks_right(pages, scores, field="title"):
    """Per page: whether its best-scored candidate (the first on ties, as Swift) is right; a page
    `extract` writes no document for is wrong, as in the evaluation."""
    spec = FIELDS[field]
    return [written and bool(cands) and spec.right(cands[int(np.argmax(s))][0], t[spec.truth])
            for (t, cands, written), s in zip(pages, scores)]


def report(name, pages, right):
    kinds = defaultdict(list)
    for (t, _, _), r in zip(pages, right):
        kinds[t.get("page_type", "article")].append(r)
    cells = " ".join(f"{k} {np.mean(v):.3f}" for k, v in sorted(kinds.items()))
    print(f"{name:<42} {np.mean(right):.3f} ({len(right)} pages); {cells}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("shared")
    parser.add_argument("--field", choices=sorted(FIELDS), default="title", help="the title model or the date model")
    parser.add_argument("--work", default="/tmp/winnow-train-extract")
    parser.add_argument("--write-swift")
    parser.add_argument("--write-parity", help="with --write-swift: sample vectors and sklearn's raw scores, for the Swift test")
    args = parser.parse_args()
    field = args.field
    spec = FIELDS[field]
    os.makedirs(args.work, exist_ok=True)
    pages, names = load(args.binary, args.shared, args.work, field)
    folds = np.array([fold_of(domain_of(p[0])) for p in pages])
    print(f"{len(pages)} pages with a truth {field}, {sum(len(p[1]) for p in pages)} candidates, {len(names)} features", file=sys.stderr)

    scores = [None] * len(pages)
    for k in range(FOLDS):
        X, y = arrays([p for p, fold in zip(pages, folds) if fold != k], field)
        model = new_model().fit(X, y)
        for i, (t, cands, _) in enumerate(pages):
            if folds[i] == k:
                scores[i] = model.decision_function(np.array([c[1] for c in cands])) if cands else np.zeros(0)
    report(f"{field}: cross-validated (5 domain folds)", pages, picks_right(pages, scores, field))
    report(f"{field}: shipped model (fitted)", pages, picks_right(pages, [np.array([c[2] for c in cands]) for _, cands, _ in pages], field))
    report(f"{field}: best candidate (ceiling)", pages, [w and any(spec.right(c[0], t[spec.truth]) for c in cands) for t, cands, w in pages])

    if args.write_swift:
        X, y = arrays(pages, field)
        model = new_model().fit(X, y)
        write_generated(args.write_swift, model, PARAMS, names, f"scripts/train_title.py (`make {spec.target}`)", spec.swift_type, [],
                        f"A candidate's raw score (log-odds of being the {field}): the baseline plus each tree's leaf, in tree order.")
        print(f"wrote {args.write_swift}", file=sys.stderr)
        if args.write_parity:
            # Every 50th candidate: Swift's trees must give sklearn's raw scores.
            sample = X[::50]
            with open(args.write_parity, "w", encoding="utf-8") as f:
                for x, s in zip(sample, model.decision_function(sample)):
                    f.write(json.dumps({"f": [float(v) for v in x], "score": float(s)}) + "\n")
            print(f"wrote {args.write_parity}", file=sys.stderr)


if __name__ == "__main__":
    main()
