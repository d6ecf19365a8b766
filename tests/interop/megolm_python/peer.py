#!/usr/bin/python3
"""python-olm's Megolm group sessions as an interop peer: one JSON request per line on stdin,
one reply per line on stdout (../megolm_c/megolm_c_interop.cpp drives it as it drives libolm's
C API). Messages, keys and exports travel in the unpadded base64 python-olm speaks. argv[1]
seeds python-olm's randomness so that a run replays. Exit 77 when python-olm is missing."""
import json
import random
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from jsonl_peer import serve  # noqa: E402

try:
    import olm
    import olm.group_session
except ImportError:
    sys.exit(77)

_rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
olm.group_session.URANDOM = lambda n: bytes(_rng.getrandbits(8) for _ in range(n))

inbound = {}
outbound = None


def handle(req):
    global outbound
    cmd = req["cmd"]
    if cmd == "inbound":
        if req["imported"]:
            s = olm.InboundGroupSession.import_session(req["key"])
        else:
            s = olm.InboundGroupSession(req["key"])
        inbound[len(inbound) + 1] = s
        return {"session": len(inbound)}
    if cmd == "decrypt":
        plaintext, index = inbound[req["session"]].decrypt(req["message"])
        return {"plaintext": plaintext, "index": index}
    if cmd == "export":
        return {"key": inbound[req["session"]].export_session(req["index"])}
    if cmd == "first_known_index":
        return {"index": inbound[req["session"]].first_known_index}
    if cmd == "create_outbound":
        outbound = olm.OutboundGroupSession()
        return {"key": outbound.session_key}
    if cmd == "encrypt":
        return {"message": outbound.encrypt(req["plaintext"])}
    if cmd == "hello":
        return {}
    if cmd == "quit":
        return {"bye": True}
    raise ValueError("unknown command " + cmd)


if __name__ == "__main__":
    serve(handle)
