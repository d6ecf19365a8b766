#!/usr/bin/python3
"""matrix-nio's end-to-end encryption machine (nio.crypto.Olm, Debian python3-matrix-nio) as an
interop peer for the event contents around Olm and Megolm: it builds and reads
m.olm.v1.curve25519-aes-sha2 to-device events (m.room_key inside) and m.megolm.v1.aes-sha2 room
events exactly as a nio client does, with its own payload checks. One JSON request per line on
stdin, one reply per line on stdout. argv[1] seeds python-olm's randomness so that a run
replays. Exit 77 when nio or python-olm is missing."""
import json
import logging
import random
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from jsonl_peer import serve  # noqa: E402

try:
    import olm.account
    import olm.group_session
    import olm.session
    from nio.crypto import Olm, OlmDevice
    from nio.events import Event, RoomKeyEvent, ToDeviceEvent
    from nio.store import SqliteMemoryStore
except ImportError:
    sys.exit(77)

logging.disable(logging.CRITICAL)
_rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)


def _seeded(n):
    return bytes(_rng.getrandbits(8) for _ in range(n))


olm.account.URANDOM = _seeded
olm.session.URANDOM = _seeded
olm.group_session.URANDOM = _seeded

machine = None


def handle(req):
    global machine
    cmd = req["cmd"]
    if cmd == "hello":
        return {}
    if cmd == "create":
        machine = Olm(req["user"], req["device"], SqliteMemoryStore(req["user"], req["device"]))
        machine.account.generate_one_time_keys(1)
        otk = next(iter(machine.account.one_time_keys["curve25519"].values()))
        machine.account.mark_keys_as_published()
        return {"keys": machine.account.identity_keys, "one_time_key": otk}
    if cmd == "add_device":
        device = OlmDevice(req["user"], req["device"],
                           {"ed25519": req["ed25519"], "curve25519": req["curve25519"]})
        machine.device_store.add(device)
        machine.store.save_device_keys({req["user"]: {req["device"]: device}})
        machine.verify_device(device)
        return {}
    if cmd == "receive_to_device":
        event = ToDeviceEvent.parse_event({"sender": req["sender"], "type": "m.room.encrypted",
                                           "content": req["content"]})
        got = machine.decrypt_event(event)
        if isinstance(got, RoomKeyEvent):
            return {"event": "m.room_key", "room_id": got.room_id, "session_id": got.session_id}
        return {"event": type(got).__name__}
    if cmd == "receive_room_event":
        event = Event.parse_encrypted_event({
            "type": "m.room.encrypted", "sender": req["sender"], "event_id": req["event_id"],
            "origin_server_ts": 1, "room_id": req["room_id"], "content": req["content"]})
        got = machine.decrypt_event(event, req["room_id"])
        if got is None or not getattr(got, "decrypted", False):
            return {"event": type(got).__name__}
        return {"event": got.source["type"] if "type" in got.source else type(got).__name__,
                "body": getattr(got, "body", None), "verified": got.verified}
    if cmd == "start_olm":
        machine.create_session(req["one_time_key"], req["curve25519"])
        return {}
    if cmd == "share_room_key":
        _, to_device = machine.share_group_session(req["room_id"], [req["user"]])
        # What nio's client does once the server has taken the to-device messages.
        machine.outbound_group_sessions[req["room_id"]].shared = True
        return {"content": to_device["messages"][req["user"]][req["device"]]}
    if cmd == "group_encrypt":
        content = machine.group_encrypt(req["room_id"], {
            "type": "m.room.message", "content": {"msgtype": "m.text", "body": req["body"]}})
        return {"content": content}
    if cmd == "quit":
        return {"bye": True}
    raise ValueError("unknown command " + cmd)


if __name__ == "__main__":
    serve(handle)
