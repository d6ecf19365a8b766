#!/usr/bin/python3
"""python-olm as an Olm interop peer: the JSON line protocol of ../olm_c/PROTOCOL.md, so that
olm_c_interop drives it exactly as it drives libolm's C API. argv[1] seeds its randomness
(python-olm's URANDOM is replaced by a seeded generator) so that a run replays. Exit 77 when
python-olm is not installed."""
import json
import random
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from jsonl_peer import serve  # noqa: E402

try:
    import olm
    import olm.account
    import olm.session
except ImportError:
    sys.exit(77)

_rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)


def _seeded_random(n):
    return bytes(_rng.getrandbits(8) for _ in range(n))


olm.account.URANDOM = _seeded_random
olm.session.URANDOM = _seeded_random

account = None
sessions = {}


def message_of(kind, body):
    return olm.OlmPreKeyMessage(body) if kind == 0 else olm.OlmMessage(body)


def handle(req):
    global account
    cmd = req["cmd"]
    if cmd == "create_account":
        account = olm.Account()
        return {"identity_keys": account.identity_keys}
    if cmd == "generate_one_time_keys":
        account.generate_one_time_keys(req["count"])
        keys = account.one_time_keys
        account.mark_keys_as_published()
        return {"one_time_keys": keys}
    if cmd == "generate_fallback_key":
        account.generate_fallback_key()
        key = account.fallback_key
        account.mark_keys_as_published()
        return {"fallback_key": key}
    if cmd == "sign":
        return {"signature": account.sign(req["message"])}
    if cmd == "verify":
        try:
            olm.ed25519_verify(req["key"], req["message"], req["signature"])
            return {"valid": True}
        except olm.OlmVerifyError:
            return {"valid": False}
    if cmd == "create_outbound":
        s = olm.OutboundSession(account, req["identity_key"], req["one_time_key"])
        n = len(sessions) + 1
        sessions[n] = s
        return {"session": n}
    if cmd == "create_inbound":
        m = olm.OlmPreKeyMessage(req["body"])
        s = olm.InboundSession(account, m, req["identity_key"])
        plaintext = s.decrypt(m)
        account.remove_one_time_keys(s)
        n = len(sessions) + 1
        sessions[n] = s
        return {"session": n, "plaintext": plaintext}
    if cmd == "encrypt":
        m = sessions[req["session"]].encrypt(req["plaintext"])
        return {"type": m.message_type, "body": m.ciphertext}
    if cmd == "decrypt":
        s = sessions[req["session"]]
        return {"plaintext": s.decrypt(message_of(req["type"], req["body"]))}
    if cmd == "matches_inbound":
        s = sessions[req["session"]]
        m = olm.OlmPreKeyMessage(req["body"])
        return {"matches": s.matches(m, req.get("identity_key"))}
    if cmd == "session_id":
        # python-olm hides has_received_message; a session that decrypted
        # answers with normal messages.
        s = sessions[req["session"]]
        return {"id": s.id, "has_received": True}
    if cmd == "quit":
        return {"bye": True}
    raise ValueError("unknown command " + cmd)


if __name__ == "__main__":
    serve(handle)
