"""Random JSON documents and their canonical form by python3-canonicaljson
(Matrix's reference implementation), for tests/codec/json.cpp. Prints one
line per document: <input as hex> TAB <canonical bytes as hex>. Inputs are
written non-canonically (shuffled keys, whitespace, \\u escapes).

Usage: canonicaljson_peer.py SEED COUNT
"""
import json
import random
import sys

import canonicaljson

SPECIAL = ["\u0000", "\u0001", "\b", "\t", "\n", "\u000b", "\f", "\r", "\u001f", " ", "\"",
           "\\", "/", "\u007f", "\u0080", "\u00e9", "\u2028", "\u2029", "\ufeff", "\uffff",
           "\U0001f600", "\U0010ffff", "\u65e5\u672c", "a", "Z", "0"]
INTS = [0, 1, -1, 127, 128, -128, 2**31, -2**31, 2**32, 2**53 - 1, -(2**53 - 1), 10**15]


def rstring(rnd):
    return "".join(rnd.choice(SPECIAL) if rnd.random() < 0.5 else chr(rnd.randint(0x20, 0x7e))
                   for _ in range(rnd.randint(0, 8)))


def rvalue(rnd, depth):
    r = rnd.random()
    if depth > 4 or r < 0.45:
        return rnd.choice([None, True, False, rnd.choice(INTS), rnd.randint(-2**53 + 1, 2**53 - 1),
                           rstring(rnd)])
    if r < 0.7:
        return [rvalue(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]
    return {rstring(rnd): rvalue(rnd, depth + 1) for _ in range(rnd.randint(0, 5))}


def shuffled(rnd, v):
    if isinstance(v, dict):
        items = list(v.items())
        rnd.shuffle(items)
        return dict((k, shuffled(rnd, x)) for k, x in items)
    if isinstance(v, list):
        return [shuffled(rnd, x) for x in v]
    return v


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rnd = random.Random(seed)
    for _ in range(count):
        doc = rvalue(rnd, 0)
        text = json.dumps(shuffled(rnd, doc), ensure_ascii=rnd.random() < 0.5,
                          indent=rnd.choice([None, 1, 4]))
        print(text.encode("utf-8").hex() + "\t" + canonicaljson.encode_canonical_json(doc).hex())


if __name__ == "__main__":
    main()
