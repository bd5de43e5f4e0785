#!/usr/bin/env python3
"""The Slurm integration test: a real one-node Slurm (scripts/slurm_local.sh) runs `winnow slurm`.

usage: check_slurm.py WINNOW_BINARY SHARED_DIR WORK_DIR

1. A labeled near-duplicate corpus (../shared/bench/dedup/make_corpus.py) split round-robin over
   8 NDJSON files, so that copies of a story sit in files of different tasks.
2. `winnow run` in one process, the reference.
3. `winnow slurm` with 4 tasks and 3 buckets on a cluster whose MaxArraySize is 3 (arrays of 3
   elements, the first running tasks 0 and 3): the kept ids and texts equal the reference.
4. Again with one filter task cancelled before it starts and a partial shard left in its place:
   the merge waits (DependencyNeverSatisfied) and refuses to run by hand; submitting again runs
   only that task and the merge; the result equals the reference.
Skipped, with a message, only when Slurm cannot start here (scripts/slurm_local.sh exits 3).
"""
import glob
import gzip
import json
import os
import subprocess
import sys
import time


def fail(message):
    sys.exit(f"check_slurm: {message}")


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, **kw)


def kept(directory):
    docs = {}
    for path in sorted(glob.glob(os.path.join(directory, "documents", "shard-*.jsonl.gz"))):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                if record["id"] in docs:
                    fail(f"{record['id']} written twice in {directory}")
                docs[record["id"]] = record["text"]
    return docs


def wait(binary, work, timeout=600):
    start = time.time()
    while time.time() - start < timeout:
        status = sh(binary, "slurm", "status", "--work", work, check=False)
        if status.returncode == 0:
            return status.stdout
        # Stuck: every job left waits on a dependency that failed (or none is left).
        queue = [line.split() for line in sh("squeue", "-h", "-o", "%i %T %r", check=False).stdout.splitlines() if line.strip()]
        if all(len(q) == 3 and q[1] == "PENDING" and q[2] == "DependencyNeverSatisfied" for q in queue):
            time.sleep(1)
            return sh(binary, "slurm", "status", "--work", work, check=False).stdout
        time.sleep(1)
    fail(f"the jobs did not finish in {timeout} s:\n{sh('squeue', check=False).stdout}")


def submit(binary, *args):
    out = sh(binary, "slurm", *args).stdout
    jobs = {line.split(":")[0]: line.split("job ")[1].split()[0] for line in out.splitlines() if ": job " in line}
    if set(jobs) != {"signatures", "buckets", "clusters", "filter", "merge"}:
        fail(f"winnow slurm did not submit the five jobs:\n{out}")
    return jobs


def main():
    binary, shared, work = os.path.abspath(sys.argv[1]), sys.argv[2], os.path.abspath(sys.argv[3])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not os.path.exists(os.path.join(shared, "bench/dedup/make_corpus.py")):
        print(f"slurm: SKIPPED, needs {shared}/bench/dedup (the benchmark data beside the repository)")
        return
    started = subprocess.run([os.path.join(root, "scripts/slurm_local.sh"), "start"], capture_output=True, text=True)
    if started.returncode == 3:
        print(f"slurm: SKIPPED, Slurm cannot start here: {started.stderr.strip()}")
        return
    if started.returncode != 0:
        fail(f"slurm_local.sh start failed: {started.stderr}")
    try:
        run(binary, shared, work, root)
    finally:
        sh("scancel", "-u", os.environ.get("USER", "root"), check=False)
        subprocess.run([os.path.join(root, "scripts/slurm_local.sh"), "stop"])


def run(binary, shared, work, root):
    corpus = os.path.join(work, "corpus.jsonl.gz")
    sh(sys.executable, os.path.join(shared, "bench/dedup/make_corpus.py"), "--source", os.path.join(shared, "bench/extraction/truth.jsonl"),
       "--docs", "1500", "--seed", "4", "--out", corpus)
    inputs = os.path.join(work, "slurm-in")
    os.makedirs(inputs, exist_ok=True)
    parts = [gzip.open(os.path.join(inputs, f"part-{i}.jsonl.gz"), "wt", encoding="utf-8") for i in range(8)]
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            parts[n % 8].write(line)
    for p in parts:
        p.close()
    pipeline = os.path.join(root, "Pipelines/default.yaml")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    single_dir = os.path.join(work, "slurm-single")
    subprocess.run([binary, "run", pipeline, "-q", "--no-report", "-i", inputs, "-o", single_dir], check=True, env=env)
    single = kept(single_dir)

    # 4 tasks, 3 buckets.
    out = os.path.join(work, "slurm-out")
    t = time.time()
    submit(binary, pipeline, "--tasks", "4", "--buckets", "3", "-i", inputs, "-o", out)
    status = wait(binary, os.path.join(out, ".slurm-work"))
    seconds = time.time() - t
    result = kept(out)
    if result != single:
        fail(f"4 tasks kept {len(result)} documents, one process {len(single)}; "
             f"{len(set(result) - set(single))} extra, {len(set(single) - set(result))} missing")
    shards = len(glob.glob(os.path.join(out, "documents", "shard-*.jsonl.gz")))
    summary = json.load(open(os.path.join(out, "summary.json")))
    print(f"slurm: 4 tasks x 3 buckets kept {len(result)} of 1500 documents in {shards} shards, the same ids and texts as one process "
          f"({seconds:.0f} s with Slurm's scheduling); dedup dropped {summary['stages']['dedup']['dropped']}")

    # A cancelled filter task, a partial shard in its place, and a second submission.
    out2 = os.path.join(work, "slurm-out2")
    jobs = submit(binary, pipeline, "--tasks", "4", "--buckets", "3", "-i", inputs, "-o", out2)
    sh("scancel", f"{jobs['filter']}_2")
    os.makedirs(out2, exist_ok=True)
    os.makedirs(os.path.join(out2, "documents"), exist_ok=True)
    with open(os.path.join(out2, "documents", "shard-00002-00000.jsonl.gz"), "wb") as f:
        f.write(b"a killed task's partial shard")
    work2 = os.path.join(out2, ".slurm-work")
    status = wait(binary, work2)
    if "filter      3/4 done; waiting: 2" not in status or "merge       0/1" not in status:
        fail(f"after cancelling filter task 2 the status should wait for it:\n{status}")
    refused = sh(binary, "dedup-phase", "merge", pipeline, "--work", work2, "-o", out2, check=False)
    if refused.returncode == 0 or "1 of 4 filter tasks have not finished" not in refused.stderr:
        fail(f"the merge ran without filter task 2: {refused.stderr}")
    submit(binary, pipeline, "--tasks", "4", "--buckets", "3", "-i", inputs, "-o", out2)
    status = wait(binary, work2)
    if "complete" not in status.splitlines()[-1]:
        fail(f"the second submission did not complete:\n{status}")
    result2 = kept(out2)
    if result2 != single:
        fail(f"after the re-submission {len(result2)} documents, one process {len(single)}")
    logs = glob.glob(os.path.join(work2, "logs", "signatures-*.log"))
    skipped = sum(open(p).read().count("finished already") for p in logs)
    print(f"slurm: filter task 2 cancelled, a partial shard in its place: merge refused; re-submitted, "
          f"{skipped} of 4 signatures tasks skipped by their markers; the same {len(result2)} documents")


if __name__ == "__main__":
    main()
