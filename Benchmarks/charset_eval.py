#!/usr/bin/env python3
"""Charset detection on undeclared pages: does each decode to the right text?

usage: charset_eval.py WINNOW_BINARY [WORK_DIR] [--uchardet]

The pages: chardet 5.2.0's test files (its source distribution on PyPI, downloaded once into
WORK_DIR; real pages and texts, each in a folder named after its encoding), for the encodings a
web crawl meets undeclared: UTF-8, windows-1250/1251/1252/1253/1254/1255/1256, ISO-8859-2/5/7/9,
KOI8-R, Shift_JIS/CP932, EUC-JP, EUC-KR/CP949, GB2312/GBK/GB18030, Big5. Every charset
declaration is taken out (`<meta charset>`, `http-equiv`, `<?xml encoding>`), each is saved as
an .html file, and `winnow clean` reads them with no Content-Type: its `winnow.charset` is the
encoding it chose. A page counts as right when it decodes with that encoding to the same text as
with its true one (the reference is what a browser decodes the page with, the WHATWG superset of its
encoding: CP949 for EUC-KR, CP932 for Shift_JIS, GB18030 for GB2312; a Latin-2 page read as
windows-1250 is right only when it has none of the letters the two place differently). With --uchardet, the `uchardet`
command's choice (Debian's `uchardet` package, when installed) is scored the same way beside
Winnow's, its labels read by Python's codecs as they are.
"""
import codecs
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict

FOLDERS = {
    "utf-8": "utf-8", "windows-1250-croatian": "cp1250", "windows-1250-czech": "cp1250", "windows-1250-hungarian": "cp1250",
    "windows-1250-polish": "cp1250", "windows-1250-romanian": "cp1250", "windows-1250-slovak": "cp1250",
    "windows-1250-slovene": "cp1250", "windows-1251-bulgarian": "cp1251", "windows-1251-russian": "cp1251",
    "windows-1252": "cp1252", "iso-8859-1": "latin-1", "windows-1254-turkish": "cp1254", "windows-1255-hebrew": "cp1255",
    "windows-1256-arabic": "cp1256", "iso-8859-2-croatian": "iso8859-2", "iso-8859-2-czech": "iso8859-2",
    "iso-8859-2-hungarian": "iso8859-2", "iso-8859-2-polish": "iso8859-2", "iso-8859-2-slovak": "iso8859-2",
    "iso-8859-2-slovene": "iso8859-2", "iso-8859-5-bulgarian": "iso8859-5", "iso-8859-5-russian": "iso8859-5",
    "iso-8859-6-arabic": "iso8859-6", "iso-8859-7-greek": "iso8859-7", "iso-8859-9-turkish": "iso8859-9", "KOI8-R": "koi8-r",
    "SHIFT_JIS": "shift_jis", "CP932": "cp932", "EUC-JP": "euc_jp", "EUC-KR": "euc_kr", "CP949": "cp949",
    "GB2312": "gb2312", "Big5": "big5",
}
DECLARATION = re.compile(
    rb"<meta[^>]*charset[^>]*>|<\?xml[^>]*encoding[^>]*\?>|@charset\s*\"[^\"]*\"\s*;?", re.IGNORECASE)


def python_codec(name):
    name = (name or "").lower().replace("_", "-")
    aliases = {"big5-hkscs": "big5hkscs", "windows-874": "cp874", "x-mac-cyrillic": "mac-cyrillic", "ibm866": "cp866",
               "ascii": "utf-8", "iso-8859-8-i": "iso8859-8", "x-euc-tw": None, "iso-2022-jp": "iso2022_jp", "iso-2022-kr": "iso2022_kr"}
    name = aliases.get(name, name)
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# What a browser decodes a page labelled so with (the WHATWG Encoding Standard's supersets): the
# reference text, so a page is not counted wrong for the characters the superset adds.
WHATWG = {"gb2312": "gb18030", "euc_kr": "cp949", "shift_jis": "cp932", "latin-1": "cp1252", "iso8859-9": "cp1254", "big5": "big5hkscs"}


def same_text(data, true_codec, chosen):
    codec = python_codec(chosen)
    if codec is None:
        return False
    truth = data.decode(WHATWG.get(true_codec, true_codec), errors="replace")
    return data.decode(codec, errors="replace") == truth


def pages(work):
    archive = os.path.join(work, "chardet-5.2.0.tar.gz")
    if not os.path.exists(archive):
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", work, "chardet==5.2.0"],
                       check=True)
    out = []
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if len(parts) == 4 and parts[1] == "tests" and parts[2] in FOLDERS and member.isfile():
                data = tar.extractfile(member).read()
                if len(re.sub(rb"[\x00-\x7f]", b"", data)) < 8:
                    continue  # ASCII all but a few bytes: nothing to tell encodings apart by
                out.append((parts[2], parts[3], DECLARATION.sub(b"", data)))
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    binary = args[0]
    work = args[1] if len(args) > 1 else "/tmp/winnow-charset"
    os.makedirs(work, exist_ok=True)
    cases = pages(work)
    with tempfile.TemporaryDirectory() as tmp:
        names = {}
        for n, (folder, name, data) in enumerate(cases):
            fname = f"{n:04d}.html"
            names[fname] = n
            with open(os.path.join(tmp, fname), "wb") as f:
                f.write(data)
        subprocess.run([binary, "clean", "-q", "--no-report", "-i", tmp, "-o", os.path.join(tmp, "out")], check=True)
        chosen = {}
        for shard in sorted(os.listdir(os.path.join(tmp, "out"))):
            if shard.startswith("clean-") and shard.endswith(".jsonl.gz"):
                for line in gzip.open(os.path.join(tmp, "out", shard), "rt"):
                    r = json.loads(line)
                    chosen[names[r["metadata"]["input"]]] = r["winnow"]["charset"]
        uchardet = {}
        if "--uchardet" in sys.argv and shutil.which("uchardet"):
            for fname, n in names.items():
                uchardet[n] = subprocess.run(["uchardet", os.path.join(tmp, fname)], capture_output=True, text=True).stdout.strip()
    table = defaultdict(lambda: [0, 0, 0, []])
    for n, (folder, name, data) in enumerate(cases):
        true = FOLDERS[folder]
        row = table[codecs.lookup(true).name]
        row[0] += 1
        ok = same_text(data, true, chosen.get(n))
        row[1] += ok
        if not ok:
            row[3].append(f"{folder}/{name} read as {chosen.get(n)}")
        if uchardet:
            row[2] += same_text(data, true, uchardet.get(n))
    total = sum(r[0] for r in table.values())
    right = sum(r[1] for r in table.values())
    print(f"{total} undeclared pages, decoded to the right text: Winnow {right} ({100 * right / total:.1f}%)"
          + (f", uchardet {sum(r[2] for r in table.values())}" if uchardet else ""))
    print(f"{'encoding':14} {'pages':>5} {'Winnow':>7}" + (f" {'uchardet':>8}" if uchardet else ""))
    for enc in sorted(table):
        r = table[enc]
        print(f"{enc:14} {r[0]:5} {r[1]:7}" + (f" {r[2]:8}" if uchardet else ""))
    for enc in sorted(table):
        for miss in table[enc][3][:4]:
            print("  " + miss)


if __name__ == "__main__":
    main()
