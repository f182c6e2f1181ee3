#!/usr/bin/env python3
"""Builds src/cli/kinesis_docs.json: the documentation prose and the original member order of AWS's
Kinesis model, for the terminal's `help` pages (models/kinesis.json has its prose removed and its keys
sorted, so neither survives there).

Usage: python3 src/cli/gen_docs.py FULL_MODEL.json src/cli/kinesis_docs.json
(FULL_MODEL is the untrimmed botocore model, e.g. shared/reference/aws-models/kinesis.json.)
HTML is reduced to plain text here, once, so the app never parses markup.
"""
import html
import json
import re
import sys


def plain(doc):
    if not doc:
        return ""
    text = doc
    text = re.sub(r"<li>\s*", "\n- ", text)
    text = re.sub(r"</?(p|ul|ol|note|important|div)[^>]*>", "\n\n", text)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = re.sub(r"\n\n(- )", r"\n\1", text)
    return text.strip()


def main(src, dst):
    with open(src) as f:
        model = json.load(f)
    ops = {}
    for name, op in model["operations"].items():
        ops[name] = plain(op.get("documentation"))
    structs = {}
    for name, shape in model["shapes"].items():
        if shape.get("type") != "structure" or shape.get("exception"):
            continue
        structs[name] = [[m, plain(ref.get("documentation"))] for m, ref in shape.get("members", {}).items()]
    out = {"operations": ops, "structures": structs}
    with open(dst, "w") as f:
        json.dump(out, f, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
