#!/usr/bin/python3
"""An independent reference for the official UniversalNER scorer, written from REFERENCE.md
section 3 in plain Python 3: the C++ implementation must agree with it on every input.

Reads JSON Lines {"op": "normalize"|"parse"|"strip", "s": str} on stdin; writes one JSON result
per line ("strip" is str.strip(), which the original applies to every model answer).
"""
import json
import re
import string
import sys


def normalize(s):
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def parse(text):
    try:
        m = re.match(r"\[(.*?)\]", text)
        items = json.loads(m.group() if m else "[]")
        out = []
        for item in items:
            item = tuple(normalize(e) for e in item) if isinstance(item, (list, tuple)) else normalize(item)
            if item not in out:
                out.append(item)
        return out
    except Exception:
        return []


for line in sys.stdin:
    req = json.loads(line)
    op, s = req["op"], req["s"]
    result = normalize(s) if op == "normalize" else s.strip() if op == "strip" else parse(s)
    print(json.dumps(result, ensure_ascii=False))
