#!/usr/bin/python3
"""python-olm's SAS as a JSON-lines peer for sas_interop: {"cmd":"key"} ->
its public key; {"cmd":"their","key":...}; {"cmd":"bytes","info":...,"n":...}
-> hex (and the spec's emoji indexes and decimals, computed here); {"cmd":"mac","input":...,"info":...} -> the three MAC forms."""
import json
import sys

import olm

sas = olm.Sas()
for line in sys.stdin:
    req = json.loads(line)
    cmd = req["cmd"]
    if cmd == "key":
        out = {"ok": True, "key": sas.pubkey}
    elif cmd == "their":
        sas.set_their_pubkey(req["key"])
        out = {"ok": True}
    elif cmd == "bytes":
        b = sas.generate_bytes(req["info"], req["n"])
        out = {"ok": True, "hex": b.hex()}
        if len(b) >= 6:  # the spec's emoji: 42 bits in 7 groups of 6
            v = int.from_bytes(b[:6], "big") >> 6
            out["emoji"] = [(v >> (36 - 6 * i)) & 63 for i in range(7)]
        if len(b) >= 5:  # decimals: 39 bits in 3 groups of 13, plus 1000
            v = int.from_bytes(b[:5], "big") >> 1
            out["decimal"] = [((v >> (26 - 13 * i)) & 0x1FFF) + 1000 for i in range(3)]
    elif cmd == "mac":
        out = {"ok": True,
               "legacy": sas.calculate_mac(req["input"], req["info"]),
               "fixed": sas.calculate_mac_fixed_base64(req["input"], req["info"]),
               "long_kdf": sas.calculate_mac_long_kdf(req["input"], req["info"])}
    else:
        out = {"ok": False}
    print(json.dumps(out), flush=True)
