"""Random JSON documents and CPython's json.dumps of them, for
tests/codec/json_python.cpp. Prints one line per document: <input as hex>
TAB <json.dumps(doc) as hex>. The input is the same document written
another way (no ASCII escaping, indentation, compact separators), with the
members in the same order.

Usage: json_dumps_peer.py SEED COUNT
"""
import json
import random
import struct
import sys

SPECIAL = ["\u0000", "\u0001", "\b", "\t", "\n", "\u000b", "\f", "\r", "\u001f", " ", "\"",
           "\\", "/", "\u007e", "\u007f", "\u0080", "\u00e9", "\u2028", "\ufeff", "\uffff",
           "\U0001f600", "\U0010ffff", "\u4f60\u597d", "a", "Z", "0"]
INTS = [0, 1, -1, 127, 128, -128, 2**31, -2**31, 2**32, 2**53 - 1, 2**63 - 1, -2**63, 2**64 - 1]
FLOATS = [0.0, -0.0, 0.5, 1.0, 100.0, 1e15, 1e16, 1.5e16, 1e-4, 1.5e-4, 1e-5, 1.5e-5, 0.1,
          1714000100.25, 1714000000.0, 123456789012345678.0, 5e-324, 1.7976931348623157e308,
          2.2250738585072014e-308, 1e22, 1e23, 9007199254740993.0, 0.3]


def rfloat(rnd):
    r = rnd.random()
    if r < 0.4:
        return rnd.choice(FLOATS)
    if r < 0.7:
        return rnd.uniform(-1e6, 1e6)
    while True:
        v = struct.unpack("<d", struct.pack("<Q", rnd.getrandbits(64)))[0]
        if v == v and v not in (float("inf"), float("-inf")):
            return v


def rstring(rnd):
    return "".join(rnd.choice(SPECIAL) if rnd.random() < 0.5 else chr(rnd.randint(0x20, 0x7e))
                   for _ in range(rnd.randint(0, 8)))


def rvalue(rnd, depth):
    r = rnd.random()
    if depth > 4 or r < 0.5:
        return rnd.choice([None, True, False, rnd.choice(INTS), rfloat(rnd), rfloat(rnd),
                           rstring(rnd)])
    if r < 0.7:
        return [rvalue(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]
    return {rstring(rnd): rvalue(rnd, depth + 1) for _ in range(rnd.randint(0, 5))}


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rnd = random.Random(seed)
    for _ in range(count):
        doc = rvalue(rnd, 0)
        text = json.dumps(doc, ensure_ascii=False, indent=rnd.choice([None, 1, 4]),
                          separators=rnd.choice([None, (",", ":")]))
        print(text.encode("utf-8").hex() + "\t" + json.dumps(doc).encode("ascii").hex())


if __name__ == "__main__":
    main()
