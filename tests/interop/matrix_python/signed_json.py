#!/usr/bin/python3
"""For matrix_files_interop: `check USER DEVICE KEY` reads a signed JSON
object on stdin and verifies it with python3-canonicaljson and python-olm's
ed25519_verify, printing "ok"; `canonical` prints canonicaljson's form of
the object on stdin."""
import json
import sys

import canonicaljson
import olm

obj = json.load(sys.stdin)
if sys.argv[1] == "canonical":
    sys.stdout.write(canonicaljson.encode_canonical_json(obj).decode())
elif sys.argv[1] == "check":
    user, device, key = sys.argv[2], sys.argv[3], sys.argv[4]
    sig = obj["signatures"][user]["ed25519:" + device]
    stripped = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    olm.ed25519_verify(key, canonicaljson.encode_canonical_json(stripped), sig)
    print("ok")
