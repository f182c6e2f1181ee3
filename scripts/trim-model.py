#!/usr/bin/env python3
"""Strip documentation from an AWS API model (botocore JSON) so it can be embedded in the app.

Usage: scripts/trim-model.py SRC.json DST.json
The shapes, members, constraints and operations are kept exactly; only prose is removed.
"""
import json
import sys

DROP = {"documentation", "documentationUrl", "examples", "deprecatedMessage", "staticContextParams",
        "endpointdiscovery", "contextParams"}


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in DROP}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


src, dst = sys.argv[1], sys.argv[2]
with open(src) as f:
    model = json.load(f)
with open(dst, "w") as f:
    json.dump(strip(model), f, separators=(",", ":"), sort_keys=True)
    f.write("\n")
