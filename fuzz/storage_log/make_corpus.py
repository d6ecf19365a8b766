#!/usr/bin/python3
"""Writes the seeds of fuzz/storage_log: filesystem-store logs built from
the format described in include/e2ekit/storage/filesystem_store.hpp, by an
encoder written apart from the C++ one. Run from this directory."""
import os
import struct


def crc32c(data):
    # Bitwise CRC-32C (reflected polynomial 0x82F63B78).
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def file_header(version=1):
    h = b"e2ekitKV" + struct.pack(">I", version)
    return h + struct.pack(">I", crc32c(h))


def op(kind, ns, key, value=b""):
    ns, key = ns.encode(), key.encode()
    return (struct.pack(">BBHII", kind, len(ns), len(key), len(value), crc32c(value) if value else 0)
            + ns + key + value)


def put(ns, key, value):
    return op(1, ns, key, value)


def erase(ns, key):
    return op(2, ns, key)


def record(*ops):
    body = struct.pack(">I", len(ops)) + b"".join(ops)
    h = struct.pack(">III", 0x4B565231, len(body), crc32c(body))
    return h + struct.pack(">I", crc32c(h)) + body


seeds = {
    "empty_store": file_header(),
    "one_put": file_header() + record(put("sessions", "bob.1", b"state-1")),
    "batch_two_spaces": file_header()
    + record(put("a", "k1", b"\x00" * 40), put("b", "k1", b"x"), erase("a", "gone")),
    "overwrite_and_erase": file_header()
    + record(put("s", "k", b"one"))
    + record(put("s", "k", b"two"), put("s", "j", b""))
    + record(erase("s", "j")),
    "empty_record": file_header() + record(),
    "torn_tail": (file_header() + record(put("s", "k", b"kept")) + record(put("s", "k", b"torn")))[:-3],
    "zero_tail": file_header() + record(put("s", "k", b"v")) + b"\x00" * 32,
    "future_version": file_header(2) + record(put("s", "k", b"v")),
    "bad_middle": file_header()
    + record(put("s", "k", b"v"))[:-1] + b"X"
    + record(put("s", "k2", b"w")),
    "not_ours": b"SQLite format 3\x00" + b"\x00" * 84,
    "short": file_header()[:9],
    "bad_kind": file_header() + record(op(3, "s", "k", b"v")),
    "nul_key": file_header() + record(put("s", "k\x00", b"v")),
    "scoped_names": file_header()
    + record(put("alice%2Fphone/sessions", "carol.1", bytes(range(256))), put("bob/prekeys", "7", b"pk")),
}

os.makedirs("corpus", exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join("corpus", name), "wb") as f:
        f.write(data)
