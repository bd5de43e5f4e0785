#!/usr/bin/env python3
"""Train the extraction's block model on the development sets, cross-validated by domain.

usage: train_extract.py WINNOW_BINARY SHARED_DIR [--work DIR] [--write-swift FILE --write-parity FILE] [--no-cv]

1. Each development set (../shared/bench/extraction: 91 news pages; ../shared/bench/extraction-wcxb:
   1,358 pages of seven kinds) is written into a WARC with its pages' URLs (build_warc.py, seed 1),
   and `winnow features` writes every block of every page with the features Winnow computes at
   run time (Sources/WinnowStages/Extract/BlockFeatures.swift): training and run time read the same numbers.
2. A block's label: most of its 4-token shingles (all its words, for a block under four words)
   are in the page's truth text. Blocks are weighted by their share of the page's words, so every
   page weighs the same, as in the metric.
3. Five folds by domain (the fold of Benchmarks/extraction_eval.py): a model trained on four folds
   picks the blocks of the fifth, and the texts so made are scored with the benchmarks' own
   scorer, per set and per page kind, beside the rules' texts on the same pages. The threshold on
   pages the rules call neither article nor discussion is chosen on four folds' probabilities and
   applied to the fifth. These are the cross-validated figures; the fitted ones are never
   reported as quality.
   The blocks kept are the most likely keep/leave-out sequence under the model's probabilities
   with a cost for each change (chosen, with that threshold, on four folds for the fifth).
4. The model for Winnow is trained on all folds with the same settings and written as Swift source
   (--write-swift) as code: one function a tree, its splits nested `if`s (a walk over node
   arrays cost three times as much: every split of every tree went through the same load and
   branch), with the feature names, so `BlockModel` can check it reads what was trained.

Deterministic: fixed seeds, no early stopping, single-threaded scoring. Needs scikit-learn (pip).
"""
import argparse
import hashlib
import json
import math
import os
import re
import subprocess
import sys
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Benchmarks"))
# The folds, domains and module loading of the evaluation, so both split the pages the same way.
from extraction_eval import FOLDS, KINDS, domain_of, fold_of, load_module, warc_url  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = re.compile(r"\w+")
SETS = {"news": "bench/extraction", "wcxb": "bench/extraction-wcxb"}
# The model's settings, chosen by the cross-validated figure this script prints.
# 100 trees of 31 leaves cost half the run time of 200 of 24 for 0.001 of WCXB F1 (cross-validated:
# 0.839 against 0.840; news 0.969 against 0.973, one page's worth on 91). On 2026-11-30, with the
# same features, cross-validated (news, WCXB): 100 trees at rate 0.15 0.971, 0.845; 50 at 0.3
# 0.976, 0.847; 30 at 0.45 0.970, 0.845. 50 trees: as good, at half the trees' cost. (Retrained on the pages as
# cleaned since the streamed-segments change: 0.970, 0.846; and since aria-hidden elements are
# kept: 0.975, 0.849; and hidden ones: 0.974, 0.851. See the README.)
PARAMS = dict(max_iter=50, learning_rate=0.3, max_leaf_nodes=31, min_samples_leaf=40, l2_regularization=1.0)
THRESHOLD = 0.5
# Pages the rules classify as neither article nor discussion (shops, services, lists, docs) have
# their own threshold, chosen on the development sets' cross-validated probabilities (the
# figure reported for it chooses it on the other folds only): their main text is made of shorter,
# less prose-like blocks, which the model scores lower. Article and discussion pages keep 0.5
# (choosing theirs too moved nothing on either set).
OTHER_GRID = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]
# The blocks kept are the most likely keep/leave-out sequence (Viterbi), each change between kept
# and left out costing a switch cost in log-odds: main text is mostly one run of blocks, so a short
# block between kept paragraphs (a subheading, a one-line paragraph) is kept with them and an
# isolated likely block amid boilerplate is not. A cost of 0 is the plain threshold. The costs for
# article pages and for 'other' pages are chosen on the cross-validated probabilities with the
# 'other' threshold; discussion pages keep 0 (posts alternate with their headers and
# signatures, and a cost of 0.3 took forums from 0.789 to 0.780 on 2026-12-01).
ARTICLE_COSTS = [0.0, 0.3, 0.5, 0.7, 1.0]
OTHER_COSTS = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0]


def shingles(tokens, n=4):
    if len(tokens) < n:
        return [tuple(tokens)] if tokens else []
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]


def label(block_text, truth_shingles, truth_words):
    tokens = TOKEN.findall(block_text)
    if not tokens:
        return 0, 0
    if len(tokens) < 4:
        return int(all(t in truth_words for t in tokens)), len(tokens)
    sh = shingles(tokens)
    found = sum(1 for s in sh if s in truth_shingles)
    return int(found >= 0.5 * len(sh)), len(tokens)


def set_truth(shared, set_name):
    """A development set's truth rows by page id."""
    with open(os.path.join(shared, SETS[set_name], "truth.jsonl"), encoding="utf-8") as f:
        return {str(r["id"]): r for r in map(json.loads, filter(str.strip, f))}


def set_features(binary, shared, work, set_name, truth):
    """`winnow features` over the set's WARC (written once into `work`, each page with its URL):
    the features file and the page ids by URL, in id order."""
    set_dir = os.path.join(shared, SETS[set_name])
    warc = os.path.join(work, f"{set_name}.warc.gz")
    if not os.path.exists(warc):
        subprocess.run([sys.executable, os.path.join(shared, "bench/warc/build_warc.py"), "--pages", os.path.join(set_dir, "pages"),
                        "--truth", os.path.join(set_dir, "truth.jsonl"), "--out", warc, "--copies", "1", "--seed", "1"], check=True)
    features = os.path.join(work, f"{set_name}-features.jsonl")
    subprocess.run([binary, "features", "--input", warc, "--output", features], check=True)
    by_url = defaultdict(list)
    for page_id in sorted(truth):
        by_url[warc_url(truth[page_id])].append(page_id)
    return features, by_url


def load_pages(binary, shared, work):
    """[(set, truth row, blocks, X)] for every page, and the feature names."""
    pages = []
    names = None
    for set_name in SETS:
        truth = set_truth(shared, set_name)
        features, by_url = set_features(binary, shared, work, set_name, truth)
        seen = set()
        with open(features, encoding="utf-8") as f:
            header = json.loads(f.readline())
            if names is None:
                names = header["names"]
            for line in f:
                row = json.loads(line)
                ids = by_url.get(row["url"])
                if not ids:
                    continue
                page_id = ids.pop(0)
                seen.add(page_id)
                blocks = [b["text"] for b in row["blocks"]]
                X = np.array([b["f"] for b in row["blocks"]], dtype=np.float64).reshape(len(blocks), len(names))
                if row.get("described"):
                    DESCRIBED[(set_name, page_id)] = (row["described"], header["described_below"])
                pages.append((set_name, truth[page_id], blocks, X))
        for page_id in sorted(set(truth) - seen):  # pages Winnow could not clean: no blocks
            pages.append((set_name, truth[page_id], [], np.zeros((0, len(names)))))
    return pages, names


# (set, page id) -> (the text Extractor.extract adds to a page whose kept blocks have fewer
# characters than the threshold, that threshold): a shop page's JSON-LD product description,
# from `winnow features`.
DESCRIBED = {}


def with_description(page, text):
    """The page's text as Extractor.extract gives it: its JSON-LD product description added when
    the kept blocks hold fewer characters than Extractor.describedBelow."""
    described = DESCRIBED.get((page[0], str(page[1]["id"])))
    if not described or len(text.replace("\n", "")) >= described[1]:
        return text
    return described[0] if not text else text + "\n" + described[0]


def rules_text(blocks, X, names):
    """The text the rules give (Extractor.mainBlocks' choice), from the features that record it."""
    a, f, kind_article = names.index("rule_article_kept"), names.index("rule_full_kept"), names.index("rule_kind_article")
    if not blocks:
        return ""
    if X[0, kind_article] == 1:
        keep = X[:, a] == 1
    else:
        keep = X[:, f] == 1
        if not keep.any():
            keep = X[:, a] == 1
    return kept_text(blocks, keep, X[:, names.index("in_quote")] == 1)


TOKEN_WORD = re.compile(r"\w+")


def without_footers(page, probabilities, names):
    """BlockModel.withoutFooters: a block inside a <footer> (the path_footer feature) is given
    probability 0, as Extractor does before choosing the kept run."""
    if not page[2]:
        return probabilities
    out = probabilities.copy()
    out[page[3][:, names.index("path_footer")] > 0] = 0.0
    return out


def quoted_blocks(page, names):
    """Which of a page's blocks are in a <blockquote> (the in_quote feature)."""
    return page[3][:, names.index("in_quote")] == 1


def word_key(text):
    return " ".join(TOKEN_WORD.findall(text))


def without_repeated_quotes(kept, quoted):
    """Extractor.withoutRepeatedQuotes: a quoted block whose words repeat a block already kept is
    left out (a reply quoting an earlier post)."""
    seen, out = set(), []
    for text, q in zip(kept, quoted):
        key = word_key(text)
        if q and key and key in seen:
            continue
        seen.add(key)
        out.append(text)
    return out


# Extractor.withoutRepeatedRuns: a run of at least RUN_BLOCKS kept blocks and RUN_CHARS
# characters that repeats, block for block, a run kept before it is a copy and is left out. Chosen
# on the cross-validated figures of 2026-12-02 (news, WCXB; 0.9773, 0.8556 without): runs of 3
# blocks and 300 characters 0.9720, 0.8570; 10 and 1,500 0.9765, 0.8568 (10 pages better, 3
# worse: a recipe's repeated meal plans, an API reference's repeated parameter lists); 20 and
# 3,000 0.9773, 0.8564 (5 pages better, by 0.09 to 0.36; none worse). Dropping every repeated
# line of 8 words or more instead: 0.9715, 0.8567 (recipes, price lists and signatures repeat
# lines that the truth repeats too).
RUN_BLOCKS = 20
RUN_CHARS = 3000
# Earlier occurrences of a block's text tried as the start of the run it copies (the latest ones).
RUN_STARTS = 16


def without_repeated_runs(kept):
    """Extractor.withoutRepeatedRuns: the kept blocks less each run of RUN_BLOCKS or more that
    repeats, block for block, an earlier run ending before it (the page's text again for another
    screen size, or for browsers without scripts)."""
    seen = defaultdict(list)  # a copy is the same text, block for block
    drop = [False] * len(kept)
    j = 0
    while j < len(kept):
        best = 0
        for s in seen[kept[j]][-RUN_STARTS:]:
            n = 0
            while j + n < len(kept) and s + n < j and kept[s + n] == kept[j + n]:
                n += 1
            best = max(best, n)
        if best >= RUN_BLOCKS and sum(len(kept[j + t]) for t in range(best)) >= RUN_CHARS:
            for t in range(best):
                drop[j + t] = True
                seen[kept[j + t]].append(j + t)
            j += best
        else:
            seen[kept[j]].append(j)
            j += 1
    return [t for t, d in zip(kept, drop) if not d]


def kept_text(blocks, keep, quoted):
    """The kept blocks' text as Extractor gives it (a quote of a block already kept left out, then
    a run of blocks that copies an earlier one)."""
    return "\n".join(without_repeated_runs(without_repeated_quotes([b for b, k in zip(blocks, keep) if k], [q for q, k in zip(quoted, keep) if k])))


def logit(p):
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def kept_sequence(probabilities, threshold, cost):
    """BlockModel.keep: which blocks are kept, the most likely keep/leave-out sequence when each
    change costs `cost` (log-odds); a block's score for being kept is its log-odds over the
    threshold's. Ties stay in the state they are in and end left out, as in Swift. When that keeps
    nothing (isolated likely blocks, each worth less than the two changes around it), the plain
    threshold's blocks are kept: a page the threshold finds main text on is not dropped."""
    plain = [p >= threshold for p in probabilities]
    if cost <= 0 or not any(plain):
        return plain
    bias = logit(threshold)
    scores = [logit(p) - bias for p in probabilities]
    best = [0.0, scores[0]]  # the best total ending left out / kept
    back = []
    for s in scores[1:]:
        step, new = [], []
        for state, emit in ((0, 0.0), (1, s)):
            stay, switch = best[state], best[1 - state] - cost
            step.append(state if stay >= switch else 1 - state)
            new.append(max(stay, switch) + emit)
        best = new
        back.append(step)
    state = 0 if best[0] >= best[1] else 1
    out = [state]
    for step in reversed(back):
        state = step[state]
        out.append(state)
    kept = [x == 1 for x in reversed(out)]
    # A page whose blocks the threshold keeps is never left empty.
    return kept if any(kept) else plain


def model_text(blocks, probabilities, threshold, quoted, cost=0.0):
    return kept_text(blocks, kept_sequence(probabilities, threshold, cost), quoted)


def is_other(page, names):
    """The rules classify the page as neither article nor discussion (Extractor's threshold choice)."""
    return bool(page[2]) and page[3][0, names.index("rule_kind_other")] == 1


def is_discussion(page, names):
    return bool(page[2]) and page[3][0, names.index("rule_kind_discussion")] == 1


class Settings:
    """The choices made on cross-validated probabilities: the 'other' pages' threshold and the
    switch costs on article and on 'other' pages."""

    def __init__(self, other=THRESHOLD, article_cost=0.0, other_cost=0.0):
        self.other, self.article_cost, self.other_cost = other, article_cost, other_cost

    def for_page(self, page, names):
        """(threshold, switch cost) on this page."""
        if is_other(page, names):
            return self.other, self.other_cost
        return THRESHOLD, (0.0 if is_discussion(page, names) else self.article_cost)

    def __repr__(self):
        return f"threshold {self.other} and switch cost {self.other_cost} on other pages, switch cost {self.article_cost} on articles"


def page_text(page, probabilities, settings, names):
    threshold, cost = settings.for_page(page, names)
    return with_description(page, model_text(page[2], probabilities, threshold, quoted_blocks(page, names), cost))


def candidate_settings(smoothing=True):
    costs_a, costs_o = (ARTICLE_COSTS, OTHER_COSTS) if smoothing else ([0.0], [0.0])
    return [Settings(t, a, o) for t in OTHER_GRID for a in costs_a for o in costs_o]


class Chooser:
    """Each page's counts under every setting that applies to it, computed once, so that the
    settings can be chosen on any set of pages by summing."""

    def __init__(self, score, pages, probabilities, names):
        self.score, self.pages, self.names = score, pages, names
        self.counts = []
        for p, probs in zip(pages, probabilities):
            options, by_mask = {}, {}
            quoted = quoted_blocks(p, names)
            for s in candidate_settings():
                key = s.for_page(p, names)
                if key not in options:
                    # Settings that keep the same blocks share their counts (the scorer is the slow part).
                    mask = tuple(kept_sequence(probs, key[0], key[1]))
                    if mask not in by_mask:
                        by_mask[mask] = score.page_counts(p[1]["text"], with_description(p, kept_text(p[2], mask, quoted)))
                    options[key] = by_mask[mask]
            self.counts.append(options)

    def value(self, settings, members):
        """The sum over the sets of their F1 on `members` under `settings`."""
        total = 0.0
        for set_name in SETS:
            rows = [self.counts[i][settings.for_page(self.pages[i], self.names)] for i in members if self.pages[i][0] == set_name]
            if rows:
                total += self.score.aggregate(rows, [0.0] * len(rows))["f1"]
        return total

    def choose(self, members, smoothing=True):
        """The settings with the highest value on `members` (the first of equals, in grid order)."""
        best, best_value = None, -1.0
        for s in candidate_settings(smoothing):
            v = self.value(s, members)
            if v > best_value:
                best, best_value = s, v
        return best


def settings_texts(pages, probabilities, names, settings):
    """Each page's text under its fold's settings (`settings[i]`)."""
    return [page_text(p, probabilities[i], settings[i], names) for i, p in enumerate(pages)]


def training_arrays(pages):
    Xs, ys, ws = [], [], []
    for _, truth, blocks, X in pages:
        if not blocks:
            continue
        truth_tokens = TOKEN.findall(truth["text"])
        truth_shingles = set(shingles(truth_tokens))
        truth_words = set(truth_tokens)
        labels = [label(b, truth_shingles, truth_words) for b in blocks]
        total = sum(n for _, n in labels) or 1
        Xs.append(X)
        ys.append(np.array([l for l, _ in labels]))
        ws.append(np.array([(n / total) + 0.02 / len(blocks) for _, n in labels]))
    return np.vstack(Xs), np.concatenate(ys), np.concatenate(ws)


def new_model(seed):
    """The block model. Its seed changes the model (binning samples 200,000 of the blocks); Winnow
    ships seed 0, and --seed compares two builds over several seeds, as a change under about 0.005
    of cross-validated F1 is within what the seed alone moves."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    return HistGradientBoostingClassifier(early_stopping=False, random_state=seed, **PARAMS)


def score_texts(score, pages, texts):
    """{(set, group): F1} with groups all and each kind."""
    out = {}
    for set_name in SETS:
        ids = [i for i, p in enumerate(pages) if p[0] == set_name]
        if not ids:
            continue
        groups = {"all": ids}
        for kind in KINDS:
            k = [i for i in ids if pages[i][1].get("page_type", "article") == kind]
            if k and set_name == "wcxb":
                groups[kind] = k
        for group, members in groups.items():
            truth = {str(i): pages[i][1]["text"] for i in members}
            pred = {str(i): texts[i] for i in members}
            out[(set_name, group)] = score.evaluate(truth, pred, 0)[0]["f1"]
    return out


def write_pages(path, score, pages, texts, folds):
    """Per page: its set, id, kind, fold, cross-validated F1 and a hash of its blocks and features.
    Retraining on slightly different pages moves every page's figure a little; comparing two runs
    page by page, split by whether a page's features changed, tells a change's effect from that."""
    with open(path, "w", encoding="utf-8") as f:
        for i, (set_name, truth, blocks, X) in enumerate(pages):
            counts = score.page_counts(truth["text"], texts[i])
            digest = hashlib.sha1(json.dumps(blocks).encode() + X.tobytes()).hexdigest()
            f.write(json.dumps({"set": set_name, "id": str(truth["id"]), "kind": truth.get("page_type", "article"), "fold": int(folds[i]),
                                "f1": round(score.aggregate([counts], [0.0])["f1"], 6), "features": digest}) + "\n")


def swift_trees(model, names):
    """A fitted scikit-learn histogram gradient-boosting model's trees as Swift: (tree count, node
    count, the highest feature index a split reads, the baseline, the lines of `rawScore` and of one
    function a tree, its splits nested `if`s on the feature vector, each threshold and leaf value
    written as Python's repr, which Swift reads back to the same Double). `rawScore` adds the
    baseline and every tree's leaf in tree order, as scikit-learn does."""
    trees = [predictors[0].nodes for predictors in model._predictors]
    highest = max(int(n["feature_idx"]) for nodes in trees for n in nodes if not n["is_leaf"])
    assert highest < len(names), "a split reads a feature the vector does not have"

    def emit(nodes, i, indent, out):
        node = nodes[i]
        if node["is_leaf"]:
            out.append(f"{indent}return {float(node['value'])!r}")
            return
        out.append(f"{indent}if x[{int(node['feature_idx'])}] <= {float(node['num_threshold'])!r} {{")
        emit(nodes, int(node["left"]), indent + "    ", out)
        out.append(f"{indent}}} else {{")
        emit(nodes, int(node["right"]), indent + "    ", out)
        out.append(f"{indent}}}")

    baseline = float(np.ravel(model._baseline_prediction)[0])
    out = ["    static func rawScore(_ x: UnsafePointer<Double>) -> Double {", "        var raw = baseline"]
    out += [f"        raw += tree{k}(x)" for k in range(len(trees))]
    out += ["        return raw", "    }"]
    for k, nodes in enumerate(trees):
        out += ["", f"    @inline(__always) private static func tree{k}(_ x: UnsafePointer<Double>) -> Double {{"]
        emit(nodes, 0, "        ", out)
        out.append("    }")
    return len(trees), sum(len(t) for t in trees), highest, baseline, out


def write_generated(path, model, params, names, made_by, type_name, constants, score_doc):
    """Swift source for a trained model (trained with `params`): an extension of `type_name` with
    the feature names, the baseline, `constants` (Swift lines), the tree and node counts, and the
    trees (`swift_trees`), `score_doc` over its `rawScore`; `made_by` is the script and make
    target that wrote it."""
    tree_count, node_count, highest, baseline, functions = swift_trees(model, names)
    import sklearn
    out = [
        f"// Generated by {made_by}; do not edit.",
        f"// {tree_count} trees, {node_count} nodes; scikit-learn {sklearn.__version__}, {params}.",
        "",
        f"extension {type_name} {{",
        "    /// The feature names the trees were trained on, in vector order.",
        "    static let trainedFeatureNames: [String] = [",
    ]
    out += ["        " + " ".join(json.dumps(n) + "," for n in names[i:i + 6]) for i in range(0, len(names), 6)]
    out += ["    ]", f"    static let baseline: Double = {baseline!r}"] + constants
    out += [
        f"    static let treeCount = {tree_count}",
        f"    static let nodeCount = {node_count}",
        "    /// The highest index into the feature vector a split reads.",
        f"    static let highestFeature = {highest}",
        "",
        f"    /// {score_doc}",
    ]
    out += functions
    out.append("}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def write_swift(path, model, names, threshold, settings):
    """The fitted trees as Swift source (`write_generated`) with the thresholds and switch costs."""
    constants = [
        f"    static let keepThreshold: Double = {threshold!r}",
        "    /// The threshold on pages the rules classify as neither article nor discussion.",
        f"    static let keepThresholdOther: Double = {settings.other!r}",
        "    /// The cost of a change between kept and left-out blocks (`BlockModel.keep`) on article pages",
        "    /// and on the others; discussion pages take the plain threshold.",
        f"    static let switchCostArticle: Double = {settings.article_cost!r}",
        f"    static let switchCostOther: Double = {settings.other_cost!r}",
    ]
    write_generated(path, model, PARAMS, names, "scripts/train_extract.py (`make train-extract`)", "BlockModel", constants,
                    "A block's raw score (log-odds): the baseline plus each tree's leaf, in tree order.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("shared")
    parser.add_argument("--work", default="/tmp/winnow-train-extract")
    parser.add_argument("--write-swift")
    parser.add_argument("--write-parity", help="with --write-swift: sample vectors and sklearn's probabilities, for the Swift test")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    parser.add_argument("--pages-out", help="each page's cross-validated F1 (shipped settings) and a hash of its features, as JSON "
                        "lines, for scripts/compare_cv_pages.py")
    parser.add_argument("--seed", type=int, default=0, help="the model's random seed, for comparisons over several seeds "
                        "(the Swift model is written with seed 0 only)")
    args = parser.parse_args()
    if args.seed and args.write_swift:
        parser.error("--write-swift ships the model of seed 0")
    os.makedirs(args.work, exist_ok=True)
    score = load_module("score", os.path.join(args.shared, "bench/extraction/score.py"))
    pages, names = load_pages(args.binary, args.shared, args.work)
    folds = np.array([fold_of(domain_of(p[1])) for p in pages])
    print(f"{len(pages)} pages, {sum(len(p[2]) for p in pages)} blocks, {len(names)} features", file=sys.stderr)

    if not args.no_cv:
        probabilities = [None] * len(pages)
        for k in range(FOLDS):
            train = [p for p, fold in zip(pages, folds) if fold != k]
            X, y, w = training_arrays(train)
            model = new_model(args.seed).fit(X, y, sample_weight=w)
            for i, p in enumerate(pages):
                if folds[i] == k:
                    probabilities[i] = without_footers(p, model.predict_proba(p[3])[:, 1], names) if p[2] else np.zeros(0)
        rules = [with_description(p, rules_text(p[2], p[3], names)) for p in pages]
        learned = [with_description(p, model_text(p[2], probabilities[i], THRESHOLD, quoted_blocks(p, names))) for i, p in enumerate(pages)]
        # The 'other' pages' threshold and the switch costs, chosen on four folds and applied to the fifth;
        # the same without the smoothing (costs 0), for comparison.
        chooser = Chooser(score, pages, probabilities, names)
        fold_settings = {}
        for k in range(FOLDS):
            members = [i for i in range(len(pages)) if folds[i] != k]
            fold_settings[k] = (chooser.choose(members), chooser.choose(members, smoothing=False))
            print(f"fold {k}: {fold_settings[k][0]} (without smoothing: threshold {fold_settings[k][1].other})", file=sys.stderr)
        shipped = settings_texts(pages, probabilities, names, [fold_settings[f][0] for f in folds])
        unsmoothed = settings_texts(pages, probabilities, names, [fold_settings[f][1] for f in folds])
        kind_article = names.index("rule_kind_article")
        mixed = [rules[i] if (p[2] and p[3][0, kind_article] == 1) else learned[i] for i, p in enumerate(pages)]
        results = {name: score_texts(score, pages, texts) for name, texts in
                   [("rules", rules), (f"model at {THRESHOLD}", learned), ("rules on article pages, model elsewhere", mixed),
                    ("model, other pages' threshold by CV", unsmoothed), ("model, threshold and switch costs by CV (shipped)", shipped)]}
        if args.pages_out:
            write_pages(args.pages_out, score, pages, shipped, folds)
        print(f"{'cross-validated shingle F1 (5 domain folds)':<52}" + "".join(f"{s + ':' + g:>19}" for s, g in results["rules"]))
        for name, r in results.items():
            print(f"{name:<52}" + "".join(f"{r[key]:>19.3f}" for key in results["rules"]))
    if args.write_swift:
        X, y, w = training_arrays(pages)
        model = new_model(args.seed).fit(X, y, sample_weight=w)
        # The 'other' pages' threshold and the switch costs for Winnow: chosen on every page's
        # cross-validated probability.
        settings = chooser.choose(range(len(pages))) if not args.no_cv else Settings()
        print(f"{settings} (all folds)", file=sys.stderr)
        write_swift(args.write_swift, model, names, THRESHOLD, settings)
        print(f"wrote {args.write_swift}", file=sys.stderr)
        if args.write_parity:
            # Every 5,000th block: Swift's trees must give sklearn's probabilities.
            sample = X[::5000]
            with open(args.write_parity, "w", encoding="utf-8") as f:
                for x, p in zip(sample, model.predict_proba(sample)[:, 1]):
                    f.write(json.dumps({"f": [float(v) for v in x], "p": float(p)}) + "\n")
            print(f"wrote {args.write_parity}", file=sys.stderr)


if __name__ == "__main__":
    main()
