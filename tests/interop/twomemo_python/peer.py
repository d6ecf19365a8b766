#!/usr/bin/python3
"""python-twomemo 1.0.3 as an OMEMO 2 interop peer, driven at the backend level (twomemo.Twomemo over
an in-memory omemo.Storage), speaking JSON lines: one request per line on stdin, one reply per line
on stdout, {"ok": true, ...} or {"ok": false, "error": "..."}. XML travels as text, written and read
by twomemo.etree; binary values as hex.

argv[1] seeds its randomness: secrets.token_bytes / secrets.choice (identity seed, pre-keys, X3DH
ephemeral keys, signature nonces, payload keys, pre-key choice) and the Double Ratchet's key pairs
come from one seeded generator, so that a run replays. Exit 77 when python-twomemo (or xmlschema,
which twomemo.etree needs) is not installed.

Commands:
  init {jid, device, prekeys}           -> {ik, bundle}    own identity, pre-keys, bundle XML
  bundle {}                             -> {bundle}
  encrypt {jid, device, plaintext|empty, bundle?}
                                        -> {xml}           an <encrypted> to one device; a session
                                                           is built from `bundle` when none exists
  decrypt {jid, xml}                    -> {plaintext|null, built}
                                                           the key for this device, then the payload;
                                                           state is stored only when all succeeded
  session {jid, device}                 -> {exists, confirmed}
  devices_xml {devices: {id: label|null}} -> {xml}         a <devices> element
  parse_devices {xml}                   -> {devices}
"""
import asyncio
import copy
import json
import os
import random
import secrets
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from jsonl_peer import serve  # noqa: E402
import xml.etree.ElementTree as ET

# Pre-key ids follow the iteration order of a set of keys: a fixed hash seed keeps it from run to run.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))

try:
    import doubleratchet.recommended.diffie_hellman_ratchet_curve25519 as dhr
    import omemo
    from omemo.identity_key_pair import IdentityKeyPair
    from omemo.session import Initiation
    import twomemo
    import twomemo.etree
except ImportError:
    sys.exit(77)

_rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)


def _token_bytes(n=32):
    return bytes(_rng.getrandbits(8) for _ in range(n))


def _choice(seq):
    return seq[_rng.randrange(len(seq))]


secrets.token_bytes = _token_bytes
secrets.choice = _choice
dhr.DiffieHellmanRatchet._generate_priv = staticmethod(lambda: _token_bytes(32))


class MemoryStorage(omemo.Storage):
    def __init__(self):
        super().__init__(disable_cache=True)
        self.data = {}

    async def _load(self, key):
        if key in self.data:
            return omemo.Just(copy.deepcopy(self.data[key]))
        return omemo.Nothing()

    async def _store(self, key, value):
        self.data[key] = copy.deepcopy(value)

    async def _delete(self, key):
        self.data.pop(key, None)


class Peer:
    def __init__(self):
        self.storage = None
        self.backend = None
        self.jid = None
        self.device = None

    async def bundle_xml(self):
        b = await self.backend.get_bundle(self.jid, self.device)
        return ET.tostring(twomemo.etree.serialize_bundle(b)).decode()

    def message_xml(self, content, key_material, key_exchange):
        m = omemo.Message(twomemo.twomemo.NAMESPACE, self.jid, self.device, content,
                          frozenset({(key_material, key_exchange)}))
        return ET.tostring(twomemo.etree.serialize_message(m)).decode()

    async def handle(self, req):
        cmd = req["cmd"]
        if cmd == "init":
            self.storage = MemoryStorage()
            self.backend = twomemo.Twomemo(self.storage)
            self.jid = req["jid"]
            self.device = req["device"]
            await self.backend.generate_pre_keys(req.get("prekeys", 10))
            ik = (await IdentityKeyPair.get(self.storage)).identity_key
            return {"ik": ik.hex(), "bundle": await self.bundle_xml()}
        if cmd == "bundle":
            return {"bundle": await self.bundle_xml()}
        if cmd == "encrypt":
            jid, device = req["jid"], req["device"]
            if req.get("empty", False):
                content, plain = await self.backend.encrypt_empty()
            else:
                content, plain = await self.backend.encrypt_plaintext(bytes.fromhex(req["plaintext"]))
            session = await self.backend.load_session(jid, device)
            if session is None:
                bundle = twomemo.etree.parse_bundle(ET.fromstring(req["bundle"]), jid, device)
                session, encrypted = await self.backend.build_session_active(jid, device, bundle, plain)
            else:
                encrypted = await self.backend.encrypt_key_material(session, plain)
            # python-omemo's manager: the key exchange rides along until the session is confirmed.
            kex = None
            if session.initiation is Initiation.ACTIVE and not session.confirmed:
                kex = session.key_exchange
            await self.backend.store_session(session)
            return {"xml": self.message_xml(content, encrypted, kex)}
        if cmd == "decrypt":
            message = twomemo.etree.parse_message(ET.fromstring(req["xml"]), req["jid"])
            mine = [(k, x) for k, x in message.keys
                    if k.bare_jid == self.jid and k.device_id == self.device]
            if len(mine) != 1:
                raise ValueError("no key for this device")
            encrypted, kex = mine[0]
            session = await self.backend.load_session(message.bare_jid, message.device_id)
            built = False
            if kex is not None and (session is None or not session.key_exchange.builds_same_session(kex)):
                session, plain = await self.backend.build_session_passive(
                    message.bare_jid, message.device_id, kex, encrypted)
                built = True
            else:
                if session is None:
                    raise ValueError("no session")
                plain = await self.backend.decrypt_key_material(session, encrypted)
            plaintext = None
            if not message.content.empty:
                plaintext = (await self.backend.decrypt_plaintext(message.content, plain)).hex()
            # Everything succeeded: now the state moves on (delete_on_use for the pre-key).
            await self.backend.store_session(session)
            if built:
                await self.backend.delete_pre_key(session)
            return {"plaintext": plaintext, "built": built}
        if cmd == "devices_xml":
            devices = {int(k): v for k, v in req["devices"].items()}
            return {"xml": ET.tostring(twomemo.etree.serialize_device_list(devices)).decode()}
        if cmd == "parse_devices":
            devices = twomemo.etree.parse_device_list(ET.fromstring(req["xml"]))
            return {"devices": {str(k): v for k, v in devices.items()}}
        if cmd == "session":
            session = await self.backend.load_session(req["jid"], req["device"])
            return {"exists": session is not None,
                    "confirmed": session is not None and session.confirmed}
        raise ValueError("unknown command " + cmd)


PEER = Peer()


async def handle(req):
    if req["cmd"] == "quit":
        return {}
    return await PEER.handle(req)


serve(handle)
