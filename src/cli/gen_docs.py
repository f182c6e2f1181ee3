#!/usr/bin/env python3
"""Builds a service's docs file for the terminal's `help` pages (src/cli/kinesis_docs.json,
src/cli/firehose_docs.json) from AWS's full botocore model: the prose and the original member order that
the embedded models (models/*.json) lose, their prose removed and their keys sorted.

Usage: python3 src/cli/gen_docs.py FULL_MODEL.json OUT.json
  python3 src/cli/gen_docs.py /work/shared/reference/aws-models/kinesis.json src/cli/kinesis_docs.json
  python3 src/cli/gen_docs.py /work/shared/reference/aws-models/firehose.json src/cli/firehose_docs.json

The file is embedded in the wasm bundle, so it keeps only what help shows: the service's description,
every operation's description, the documentation of each operation's input members (the options), and
the AWS member order of the other structures where it differs from the sorted order (used by shorthand
and JSON examples, skeletons and output). HTML is reduced to plain text here, once, so the app never
parses markup.
"""
import html
import json
import re
import sys


def plain(doc):
    if not doc:
        return ""
    text = re.sub(r"<fullname>.*?</fullname>", "", doc, flags=re.S)
    # A list item wrapping a paragraph (`<li> <p>x</p> </li>`) is one bullet, not a bullet and a paragraph.
    text = re.sub(r"<li>\s*<p>", "<li>", text)
    text = re.sub(r"</p>\s*</li>", "</li>", text)
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


def build(model):
    ops = {}
    inputs = set()
    for name, op in model["operations"].items():
        ops[name] = plain(op.get("documentation"))
        if "input" in op:
            inputs.add(op["input"]["shape"])
    structs = {}
    for name, shape in model["shapes"].items():
        if shape.get("type") != "structure" or shape.get("exception"):
            continue
        members = shape.get("members", {})
        if name in inputs:
            # The options of an operation: help prints each one's documentation.
            structs[name] = [[m, plain(ref.get("documentation"))] for m, ref in members.items()]
        elif list(members) != sorted(members):
            # Elsewhere only the order matters, and only where the sorted embedded model loses it.
            structs[name] = [[m, ""] for m in members]
    return {"service": plain(model.get("documentation")), "operations": ops, "structures": structs}


def main(src, dst):
    with open(src) as f:
        model = json.load(f)
    with open(dst, "w") as f:
        json.dump(build(model), f, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
