#!/usr/bin/env python3
"""Refactors keep behaviour: run two winnow binaries on the same inputs and compare what they write.

usage: compare_outputs.py [--added-key KEY]... [--added-input-key KEY]... [--documents-folder] OLD_BINARY NEW_BINARY [SHARED_DIR] [WORK_DIR]

--added-key KEY: a top-level key the new binary adds to its JSON files on purpose (a format version,
say) is left out of their comparison; the result says so.
--added-input-key KEY: the same for a key the new binary adds to each finished input of the state
(winnow-state.json's finished_inputs).
--documents-folder: the old binary wrote the final shards beside the summaries, the new one into
OUTPUT/documents/ with a dataset card (README.md) and dolma attribute files (attributes/): the new
shards are compared with the old ones of the same name, the state's names without the folder,
and the cards and attribute files are left out (said so).

A binary of an earlier commit:
    git worktree add /tmp/winnow-base <commit> && (cd /tmp/winnow-base && swift build -c release)
    python3 scripts/compare_outputs.py /tmp/winnow-base/.build/release/winnow .build/release/winnow

Runs, each with both binaries (SOURCE_DATE_EPOCH fixed, --no-report):
- the sample corpus: `run` of every pipeline in Pipelines/ (those both binaries read), every stage command (read ... dedup), and
  each stage command on the shards of the stage before it;
- the benchmark WARC (../shared/bench/warc/build_warc.py over the 91 news pages, 3 copies
  each, and the WCXB pages) with --explain and --keep-dropped, at --jobs 1 and 2, and a damaged
  copy of it (three members corrupted, the file cut inside a member);
- the dedup corpora (../shared/bench/dedup/make_corpus.py): a day's corpus and a second day
  against its cross-run index, with boilerplate-paragraph removal on the second;
- the Slurm test's work without the scheduler: the five dedup phases by hand, 4 tasks and 3
  buckets over 8 files (the commands `winnow slurm` submits), and `winnow slurm --dry-run`'s scripts;
- the extraction model's features of every WCXB block (`winnow features`);
- `winnow validate`, `winnow index stats` and `winnow slurm status` outputs;
- `winnow report` of both binaries on copies of the same (old) output directories.

Every file of every output directory must be byte-identical, except that the JSON summaries are
compared without their timings (seconds, rates, timeline), the output directory's and the binary's
paths are replaced by placeholders, and the lock file and report.html (timings) are left out.
Without SHARED_DIR's benchmark data only the sample corpus is compared (said so).
Exit 0 when identical; 1 with the differing files listed.
"""
import glob
import gzip
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
TIMING_KEYS = {"seconds", "wall_seconds", "timeline", "docs_per_second", "mb_per_second"}


def sh(*args, cwd=None, check=True):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, env=ENV, cwd=cwd)
    if check and r.returncode not in (0, 2):
        sys.exit(f"compare_outputs: {' '.join(map(str, args))} exited {r.returncode}:\n{r.stderr[-2000:]}")
    return r


def build_inputs(shared, work):
    """The inputs both binaries read, built once."""
    inputs = {"sample": os.path.join(ROOT, "SampleCorpus")}
    if not shared:
        return inputs
    warc = os.path.join(work, "inputs/bench.warc.gz")
    if not os.path.exists(warc):
        os.makedirs(os.path.dirname(warc), exist_ok=True)
        sh(sys.executable, os.path.join(shared, "bench/warc/build_warc.py"), "--pages", os.path.join(shared, "bench/extraction/pages"),
           "--truth", os.path.join(shared, "bench/extraction/truth.jsonl"), "--out", warc, "--copies", "3", "--seed", "3")
    inputs["warc"] = warc
    # The same WARC damaged: 40 bytes flipped at three places (members whose data or CRC no longer
    # holds) and the file cut at 80%, inside a member.
    damaged = os.path.join(work, "inputs/damaged.warc.gz")
    if not os.path.exists(damaged):
        data = bytearray(open(warc, "rb").read())
        for at in (len(data) // 7, len(data) // 3, len(data) // 2):
            data[at:at + 40] = bytes(b ^ 0x5A for b in data[at:at + 40])
        with open(damaged, "wb") as f:
            f.write(bytes(data[:len(data) * 4 // 5]))
    inputs["damaged"] = damaged
    wcxb = os.path.join(work, "inputs/wcxb.warc.gz")
    if not os.path.exists(wcxb):
        sh(sys.executable, os.path.join(shared, "bench/warc/build_warc.py"), "--pages", os.path.join(shared, "bench/extraction-wcxb/pages"),
           "--truth", os.path.join(shared, "bench/extraction-wcxb/truth.jsonl"), "--out", wcxb, "--copies", "1", "--seed", "3")
    inputs["wcxb"] = wcxb
    make_corpus = os.path.join(shared, "bench/dedup/make_corpus.py")
    source = os.path.join(shared, "bench/extraction/truth.jsonl")
    day1 = os.path.join(work, "inputs/day1.jsonl.gz")
    day2 = os.path.join(work, "inputs/day2.jsonl.gz")
    if not os.path.exists(day2):
        sh(sys.executable, make_corpus, "--source", source, "--docs", "4000", "--seed", "1", "--out", day1)
        sh(sys.executable, make_corpus, "--source", source, "--docs", "1000", "--seed", "2", "--day2-of", day1, "--out", day2)
    inputs["day1"], inputs["day2"] = day1, day2
    parts = os.path.join(work, "inputs/slurm-in")
    if not os.path.isdir(parts):
        corpus = os.path.join(work, "inputs/slurm-corpus.jsonl.gz")
        sh(sys.executable, make_corpus, "--source", source, "--docs", "1500", "--seed", "4", "--out", corpus)
        os.makedirs(parts)
        files = [gzip.open(os.path.join(parts, f"part-{i}.jsonl.gz"), "wt", encoding="utf-8") for i in range(8)]
        with gzip.open(corpus, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f):
                files[n % 8].write(line)
        for f in files:
            f.close()
    inputs["parts"] = parts
    return inputs


def pipelines_both_read(old, new):
    """The shipped pipeline files both binaries accept (a file using a stage new in NEW is left out)."""
    return [p for p in sorted(glob.glob(os.path.join(ROOT, "Pipelines/*.yaml")))
            if all(sh(b, "validate", p, check=False).returncode == 0 for b in (old, new))]


def run_all(binary, inputs, out, pipelines):
    """Every output of one binary under `out`; the commands' own printed results in out/stdout/."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out + "/stdout")
    default = os.path.join(ROOT, "Pipelines/default.yaml")

    def keep(name, r):
        with open(f"{out}/stdout/{name}.txt", "w") as f:
            f.write(f"exit {r.returncode}\n{r.stdout}")

    for pipeline in pipelines:
        name = os.path.basename(pipeline)[:-5]
        # The shipped pipelines name server paths for their index and metrics: both go under out.
        sh(binary, "run", pipeline, "-q", "--no-report", "-i", inputs["sample"], "-o", f"{out}/sample-run-{name}",
           "--index", f"{out}/sample-index-{name}", "--metrics-file", f"{out}/scratch/{name}.prom")
    for stage in ["read", "clean", "segment", "extract", "language", "quality", "dedup"]:
        sh(binary, stage, default, "-q", "--no-report", "-i", inputs["sample"], "-o", f"{out}/sample-{stage}")
    # Each stage command on the shards of the stage before it (intermediate records read back).
    for stage, before in [("clean", "read"), ("segment", "clean"), ("extract", "segment"), ("dedup", "extract")]:
        shards = sorted(glob.glob(f"{out}/sample-{before}/*.jsonl.gz"))  # not the summaries: their timings vary
        sh(binary, stage, default, "-q", "--no-report", "-i", *shards, "-o", f"{out}/sample-{stage}-from-{before}")
    keep("validate", sh(binary, "validate", *pipelines, check=False))
    if "warc" not in inputs:
        return
    for jobs in ["1", "2"]:
        sh(binary, "run", default, "-q", "--no-report", "--jobs", jobs, "--explain", "--keep-dropped", f"{out}/warc-dropped-{jobs}",
           "-i", inputs["warc"], "-o", f"{out}/warc-run-{jobs}")
    keep("damaged-run", sh(binary, "run", default, "-q", "--no-report", "--explain", "--keep-dropped", f"{out}/damaged-dropped",
                           "-i", inputs["damaged"], "-o", f"{out}/damaged-run", check=False))
    sh(binary, "extract", default, "-q", "--no-report", "-i", inputs["wcxb"], "-o", f"{out}/wcxb-extract")
    sh(binary, "extract", default, "-q", "--no-report", "--extract-method", "rules", "--format", "markdown",
       "-i", inputs["wcxb"], "-o", f"{out}/wcxb-extract-rules-markdown")
    sh(binary, "features", "-i", inputs["wcxb"], "-o", f"{out}/wcxb-features.jsonl")
    dedup_only = os.path.join(ROOT, "Benchmarks/dedup-only.yaml")
    sh(binary, "dedup", dedup_only, "-q", "--no-report", "--explain", "-i", inputs["day1"], "-o", f"{out}/dedup-day1", "--index", f"{out}/dedup-index")
    sh(binary, "dedup", dedup_only, "-q", "--no-report", "--explain", "--boilerplate-paragraphs", "3", "-i", inputs["day2"],
       "-o", f"{out}/dedup-day2", "--index", f"{out}/dedup-index")
    keep("index-stats", sh(binary, "index", "stats", "--index", f"{out}/dedup-index"))
    work, phases = f"{out}/phases-work", f"{out}/phases-out"
    for task in range(4):
        sh(binary, "dedup-phase", "signatures", default, "--work", work, "-i", inputs["parts"], "--shard", f"{task}/4", "--buckets", "3")
    for bucket in range(3):
        sh(binary, "dedup-phase", "buckets", default, "--work", work, "--shard", f"{bucket}/3")
    sh(binary, "dedup-phase", "clusters", default, "--work", work)
    for task in range(4):
        sh(binary, "dedup-phase", "filter", default, "--work", work, "-i", inputs["parts"], "-o", phases, "--shard", f"{task}/4")
    sh(binary, "dedup-phase", "merge", default, "--work", work, "-o", phases)
    keep("slurm-status", sh(binary, "slurm", "status", "--work", work, check=False))
    dry = sh(binary, "slurm", default, "--dry-run", "--tasks", "4", "--buckets", "3", "-i", inputs["parts"], "-o", f"{out}/slurm-out")
    keep("slurm-dry-run", dry)


def reports(old, new, work):
    """report.html of both binaries from the same summaries (the old binary's outputs): identical
    pages, timings included, since both read the same files."""
    sources = [d for d in ["sample-run-default", "warc-run-2", "dedup-day2", "phases-out"] if os.path.isdir(f"{work}/old/{d}")]
    for d in sources:
        for name, binary in [("old", old), ("new", new)]:
            copy = f"{work}/report-{name}/{d}"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(f"{work}/old/{d}", copy)
            sh(binary, "report", copy)
    return [f"{d}/report.html" for d in sources]


ADDED_KEYS = []
ADDED_INPUT_KEYS = []


DOCUMENTS_FOLDER = False


def normalized(path, top, binary):
    """A file's bytes with the output directory and the binary's path replaced by placeholders,
    JSON summaries without their timings."""
    data = open(path, "rb").read()
    if DOCUMENTS_FOLDER and path.endswith(".json"):
        data = data.replace(b'"documents/shard-', b'"shard-')
        # The state lists the attribute files the old binary did not write.
        if path.endswith("winnow-state.json"):
            state = json.loads(data)
            for run in state.get("runs", []):
                run["files"] = [f for f in run.get("files", []) if not f.startswith("attributes/")]
            data = json.dumps(state).encode()
    if not path.endswith(".gz"):
        data = data.replace(top.encode(), b"OUT").replace(binary.encode(), b"WINNOW")
    if path.endswith(".json"):
        def strip(o, top=True):
            if isinstance(o, dict):
                if top:
                    o = {k: v for k, v in o.items() if k not in ADDED_KEYS}
                return {k: strip(v, False) for k, v in o.items() if k not in TIMING_KEYS}
            if isinstance(o, list):
                return [strip(v, False) for v in o]
            return o
        o = strip(json.loads(data))
        # Inputs each binary wrote itself (the stage commands reading the shards before them) have
        # their own modification times.
        if isinstance(o, dict) and isinstance(o.get("finished_inputs"), dict):
            for name, identity in o["finished_inputs"].items():
                if name.startswith("OUT/") and isinstance(identity, dict):
                    identity.pop("modified", None)
                if isinstance(identity, dict):
                    for key in ADDED_INPUT_KEYS:
                        identity.pop(key, None)
        return json.dumps(o, sort_keys=True).encode()
    return data


def files(top):
    """Every file below top but the lock (a process id), report.html and metrics (timings
    throughout), by its path relative to top; with --documents-folder, the documents' folder
    left out of their paths and the dataset cards left out."""
    out = {}
    for d, _, fs in os.walk(top):
        for f in fs:
            if f in (".winnow.lock", "report.html") or "/scratch" in d or (DOCUMENTS_FOLDER and f == "README.md"):
                continue
            if DOCUMENTS_FOLDER and "/attributes/" in os.path.join(d, f):
                continue
            path = os.path.relpath(os.path.join(d, f), top)
            name = path.replace("documents/", "", 1) if DOCUMENTS_FOLDER and "documents/shard-" in path else path
            out[name] = path
    return out


def main():
    args = sys.argv[1:]
    global DOCUMENTS_FOLDER
    while args[:1] in (["--added-key"], ["--added-input-key"], ["--documents-folder"]):
        if args[0] == "--documents-folder":
            DOCUMENTS_FOLDER = True
            args = args[1:]
        elif len(args) > 1:
            (ADDED_KEYS if args[0] == "--added-key" else ADDED_INPUT_KEYS).append(args[1])
            args = args[2:]
        else:
            break
    if len(args) < 2:
        sys.exit(__doc__)
    old, new = os.path.abspath(args[0]), os.path.abspath(args[1])
    shared = args[2] if len(args) > 2 else os.path.join(ROOT, "../shared")
    work = os.path.abspath(args[3] if len(args) > 3 else "/tmp/winnow-compare")
    if not os.path.exists(os.path.join(shared, "bench/dedup/make_corpus.py")):
        print(f"compare_outputs: {shared}/bench is missing: comparing the sample corpus only")
        shared = None
    if not os.path.isdir(os.path.join(ROOT, "lists/fineweb")):
        # Pipelines/fineweb.yaml reads FineWeb's URL lists, which a fresh checkout does not have.
        sys.exit("compare_outputs: lists/fineweb is missing (Pipelines/fineweb.yaml reads it): run `make fineweb-lists` first")
    inputs = build_inputs(shared and os.path.abspath(shared), work)
    pipelines = pipelines_both_read(old, new)
    left_out = sorted(set(glob.glob(os.path.join(ROOT, "Pipelines/*.yaml"))) - set(pipelines))
    run_all(old, inputs, work + "/old", pipelines)
    run_all(new, inputs, work + "/new", pipelines)
    a, b = files(work + "/old"), files(work + "/new")
    differ = sorted(set(a) ^ set(b))
    same = 0
    for name in sorted(set(a) & set(b)):
        if normalized(f"{work}/old/{a[name]}", work + "/old", old) == normalized(f"{work}/new/{b[name]}", work + "/new", new):
            same += 1
        else:
            differ.append(name)
    pages = reports(old, new, work)
    for name in pages:
        if normalized(f"{work}/report-old/{name}", f"{work}/report-old", old) == normalized(f"{work}/report-new/{name}", f"{work}/report-new", new):
            same += 1
        else:
            differ.append("report of " + name)
    total_bytes = sum(os.path.getsize(f"{work}/new/{path}") for path in b.values())
    if differ:
        print(f"compare_outputs: {len(differ)} of {len(set(a) | set(b))} files differ:")
        for name in differ[:50]:
            print("  " + name)
        sys.exit(1)
    print(f"compare_outputs: {same} files ({total_bytes / 1e6:.1f} MB) identical between {old} and {new} "
          f"(JSON summaries without timings{', without the added keys ' + ', '.join(ADDED_KEYS) if ADDED_KEYS else ''}"
          f"{', finished inputs without the added keys ' + ', '.join(ADDED_INPUT_KEYS) if ADDED_INPUT_KEYS else ''})"
          f"{'' if shared else '; sample corpus only'}"
          f"{'; pipelines one binary does not read, left out: ' + ', '.join(map(os.path.basename, left_out)) if left_out else ''}"
          f"{'; the new documents folder mapped onto the old layout, dataset cards and attribute files left out' if DOCUMENTS_FOLDER else ''}")


if __name__ == "__main__":
    main()
