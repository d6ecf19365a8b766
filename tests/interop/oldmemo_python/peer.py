#!/usr/bin/python3
"""python-oldmemo 1.0.3's backend (oldmemo.Oldmemo, the class python-omemo's SessionManager drives) as
an interop peer: one JSON request per line on stdin, one reply per line on stdout, as
oldmemo_python_interop.cpp expects. Every bundle, device list and message crosses as the XML that
python-oldmemo's etree helpers write and read (schemas checked), so both element forms are exercised
both ways. The peer does what SessionManager.encrypt / .decrypt do around the backend: attach the key
exchange while an active session is unconfirmed, take a key exchange on the passive session it built
or build a new one, delete the used pre-key, store the session only after a successful decryption.

argv[1] seeds every random draw python makes (keys, IVs, pre-key choice, ratchet keys), so that a
run replays; libxeddsa's signature nonces stay random, which changes no outcome. Exit 77 when
python-oldmemo (or its XML extra, xmlschema) is missing.
"""
import asyncio
import json
import random
import secrets
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from jsonl_peer import serve  # noqa: E402
import xml.etree.ElementTree as ET

try:
    import omemo
    from omemo.message import Message
    from omemo.storage import Just, Nothing, Storage
    from omemo.session import Initiation
    import oldmemo
    import oldmemo.etree
    from oldmemo.oldmemo import NAMESPACE
    from doubleratchet.recommended import diffie_hellman_ratchet_curve25519
except ImportError:
    sys.exit(77)

_rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)


def _token_bytes(n=32):
    return bytes(_rng.getrandbits(8) for _ in range(n))


secrets.token_bytes = _token_bytes
secrets.choice = _rng.choice
diffie_hellman_ratchet_curve25519.DiffieHellmanRatchet._generate_priv = staticmethod(
    lambda: _token_bytes(32))


class MemoryStorage(Storage):
    def __init__(self):
        super().__init__(True)
        self.data = {}

    async def _load(self, key):
        return Just(self.data[key]) if key in self.data else Nothing()

    async def _store(self, key, value):
        self.data[key] = value

    async def _delete(self, key):
        self.data.pop(key, None)


class Device:
    """What parse_message asks a SessionManager for: the devices of a JID with their identity keys."""

    def __init__(self, device_id, identity_key):
        self.device_id = device_id
        self.identity_key = identity_key


class Directory:
    def __init__(self):
        self.devices = {}

    async def get_device_information(self, bare_jid):
        return list(self.devices.get(bare_jid, {}).values())

    async def refresh_device_list(self, namespace, bare_jid):
        raise omemo.DeviceListDownloadFailed("no such device")


class Peer:
    def __init__(self, jid, device_id):
        self.jid = jid
        self.device_id = device_id
        self.storage = MemoryStorage()
        self.backend = oldmemo.Oldmemo(self.storage)
        self.directory = Directory()

    async def setup(self, pre_keys):
        await self.backend.generate_pre_keys(pre_keys)
        bundle = await self.backend.get_bundle(self.jid, self.device_id)
        return {"identity_key_ed25519": bundle.identity_key.hex()}

    async def bundle_xml(self):
        bundle = await self.backend.get_bundle(self.jid, self.device_id)
        return ET.tostring(oldmemo.etree.serialize_bundle(bundle), encoding="unicode")

    def learn(self, jid, device_id, bundle_xml):
        bundle = oldmemo.etree.parse_bundle(ET.fromstring(bundle_xml), jid, device_id)
        self.directory.devices.setdefault(jid, {})[device_id] = Device(device_id, bundle.identity_key)
        return bundle

    async def content(self, plaintext_hex):
        if plaintext_hex is None:
            return await self.backend.encrypt_empty()
        return await self.backend.encrypt_plaintext(bytes.fromhex(plaintext_hex))

    def message_xml(self, content, encrypted_key_material, key_exchange):
        message = Message(NAMESPACE, self.jid, self.device_id, content,
                          frozenset({(encrypted_key_material, key_exchange)}))
        return ET.tostring(oldmemo.etree.serialize_message(message), encoding="unicode")

    async def initiate(self, jid, device_id, bundle_xml, plaintext_hex):
        bundle = self.learn(jid, device_id, bundle_xml)
        content, plain = await self.content(plaintext_hex)
        session, encrypted = await self.backend.build_session_active(jid, device_id, bundle, plain)
        await self.backend.store_session(session)
        return self.message_xml(content, encrypted, session.key_exchange)

    async def encrypt(self, jid, device_id, plaintext_hex):
        session = await self.backend.load_session(jid, device_id)
        if session is None:
            raise ValueError("no session")
        content, plain = await self.content(plaintext_hex)
        encrypted = await self.backend.encrypt_key_material(session, plain)
        key_exchange = (session.key_exchange
                        if session.initiation is Initiation.ACTIVE and not session.confirmed else None)
        await self.backend.store_session(session)
        return self.message_xml(content, encrypted, key_exchange)

    async def decrypt(self, sender_jid, xml):
        message = await oldmemo.etree.parse_message(ET.fromstring(xml), sender_jid, self.jid,
                                                    self.directory)
        encrypted, key_exchange = next(k for k in message.keys if k[0].device_id == self.device_id)
        device = next(d for d in await self.directory.get_device_information(sender_jid)
                      if d.device_id == message.device_id)
        session = await self.backend.load_session(sender_jid, message.device_id)
        if key_exchange is not None:
            if key_exchange.identity_key != device.identity_key:
                raise ValueError("identity key of the key exchange is not the bundle's")
            if session is None or not (session.initiation is Initiation.PASSIVE and
                                       session.key_exchange.builds_same_session(key_exchange)):
                session = None
        if session is None:
            if key_exchange is None:
                raise ValueError("no session")
            session, plain = await self.backend.build_session_passive(
                sender_jid, message.device_id, key_exchange, encrypted)
        else:
            plain = await self.backend.decrypt_key_material(session, encrypted)
        plaintext = None if message.content.empty else await self.backend.decrypt_plaintext(
            message.content, plain)
        await self.backend.store_session(session)
        if key_exchange is not None:
            await self.backend.delete_pre_key(session)
        return {"plaintext": None if plaintext is None else plaintext.hex(),
                "key": plain.key.hex(), "prekey": key_exchange is not None}

    async def parse_device_list(self, xml):
        return sorted(oldmemo.etree.parse_device_list(ET.fromstring(xml)).keys())


peer = None


async def handle(req):
    global peer
    cmd = req["cmd"]
    if cmd == "setup":
        peer = Peer(req["jid"], req["device"])
        return await peer.setup(req.get("pre_keys", 100))
    if cmd == "bundle":
        return {"xml": await peer.bundle_xml()}
    if cmd == "learn":
        bundle = peer.learn(req["jid"], req["device"], req["xml"])
        return {"identity_key_ed25519": bundle.identity_key.hex()}
    if cmd == "initiate":
        return {"xml": await peer.initiate(req["jid"], req["device"], req["bundle"],
                                           req.get("plaintext"))}
    if cmd == "encrypt":
        return {"xml": await peer.encrypt(req["jid"], req["device"], req.get("plaintext"))}
    if cmd == "decrypt":
        return await peer.decrypt(req["jid"], req["xml"])
    if cmd == "device_list":
        return {"xml": ET.tostring(oldmemo.etree.serialize_device_list(
            {i: None for i in req["ids"]}), encoding="unicode")}
    if cmd == "parse_device_list":
        return {"ids": await peer.parse_device_list(req["xml"])}
    if cmd == "hello":
        return {}
    if cmd == "quit":
        return {"bye": True}
    raise ValueError("unknown command " + cmd)


if __name__ == "__main__":
    serve(handle)
