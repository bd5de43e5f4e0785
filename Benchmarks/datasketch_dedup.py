#!/usr/bin/env python3
"""The reference near-duplicate remover: datasketch MinHash LSH with FineWeb's setting (word
5-grams, 14 bands x 8 rows), greedy in input order. Writes the kept ids, one a line, and prints
documents/s (reading the corpus included, writing excluded).

usage: datasketch_dedup.py CORPUS.jsonl.gz KEPT.txt
"""
import gzip
import json
import re
import sys
import time

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+")


def main():
    corpus, kept_path = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    lsh = MinHashLSH(num_perm=112, params=(14, 8))
    kept = []
    count = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            words = WORD.findall(doc["text"].lower())
            shingles = {" ".join(words[i:i + 5]) for i in range(max(1, len(words) - 4))}
            m = MinHash(num_perm=112)
            m.update_batch([s.encode("utf-8") for s in shingles])
            count += 1
            if lsh.query(m):
                continue
            lsh.insert(doc["id"], m)
            kept.append(doc["id"])
    seconds = time.perf_counter() - start
    with open(kept_path, "w") as out:
        out.write("\n".join(kept) + "\n")
    print(f"datasketch: {count} documents in {seconds:.2f} s = {count / seconds:.0f} documents/s")


if __name__ == "__main__":
    main()
