#!/usr/bin/python3
"""python-omemo 1.0's SessionManager with python-twomemo and python-oldmemo (Debian packages) as
an interop peer. The test driver plays the XMPP server: it pushes device lists and bundles in
(their XML forms, read with each backend's etree module), hands over <encrypted> elements, and
collects what this side publishes or sends in every reply's "outbox" (bundles, device lists,
deleted bundles and the empty messages python-omemo sends on its own). One JSON request per line
on stdin, one reply per line on stdout.

Trust: custom levels "trusted", "distrusted", "undecided"; the trust decision python-omemo asks
for while encrypting follows the policy set by "trust_policy": "blind" (trust every undecided
key, BTBV before any verification), or "refuse" (decide nothing: encrypting to an undecided
device fails). argv[1] seeds the device id choice. Exit 77 when a package is missing."""
import asyncio
import base64
import json
import random
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from jsonl_peer import serve  # noqa: E402
import xml.etree.ElementTree as ET

try:
    import omemo
    import oldmemo
    import oldmemo.etree
    import twomemo
    import twomemo.etree
    from omemo.storage import Just, Nothing, Storage
    from omemo.types import TrustLevel
except ImportError:
    sys.exit(77)

import logging
logging.disable(logging.CRITICAL)
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)

ETREE = {twomemo.twomemo.NAMESPACE: twomemo.etree, oldmemo.oldmemo.NAMESPACE: oldmemo.etree}

# The server's view, as the driver last pushed it, and what this side published since.
device_lists = {}  # (ns, jid) -> {id: label}
bundles = {}  # (ns, jid, id) -> xml text
outbox = []
trust_policy = "blind"


def xml_of(element):
    return ET.tostring(element, encoding="unicode")


class MemoryStorage(Storage):
    def __init__(self):
        super().__init__()
        self.data = {}

    async def _load(self, key):
        return Just(self.data[key]) if key in self.data else Nothing()

    async def _store(self, key, value):
        self.data[key] = value

    async def _delete(self, key):
        self.data.pop(key, None)


class Manager(omemo.SessionManager):
    @staticmethod
    async def _upload_bundle(bundle):
        ns = bundle.namespace
        outbox.append({"kind": "bundle", "ns": ns, "device": bundle.device_id,
                       "xml": xml_of(ETREE[ns].serialize_bundle(bundle))})

    @staticmethod
    async def _download_bundle(namespace, bare_jid, device_id):
        text = bundles.get((namespace, bare_jid, device_id))
        if text is None:
            raise omemo.BundleNotFound(f"no bundle for {bare_jid}/{device_id}")
        return ETREE[namespace].parse_bundle(ET.fromstring(text), bare_jid, device_id)

    @staticmethod
    async def _delete_bundle(namespace, device_id):
        outbox.append({"kind": "delete_bundle", "ns": namespace, "device": device_id})

    @staticmethod
    async def _upload_device_list(namespace, device_list):
        outbox.append({"kind": "devices", "ns": namespace,
                       "xml": xml_of(ETREE[namespace].serialize_device_list(device_list))})

    @staticmethod
    async def _download_device_list(namespace, bare_jid):
        return dict(device_lists.get((namespace, bare_jid), {}))

    async def _evaluate_custom_trust_level(self, device):
        return {"trusted": TrustLevel.TRUSTED, "distrusted": TrustLevel.DISTRUSTED,
                "undecided": TrustLevel.UNDECIDED}[device.trust_level_name]

    async def _make_trust_decision(self, undecided, identifier):
        if trust_policy == "blind":
            for device in undecided:
                await self.set_trust(device.bare_jid, device.identity_key, "trusted")

    @staticmethod
    async def _send_message(message, bare_jid):
        outbox.append({"kind": "message", "ns": message.namespace, "to": bare_jid,
                       "xml": xml_of(ETREE[message.namespace].serialize_message(message))})


manager = None
own_jid = None


def device_info(d):
    return {"jid": d.bare_jid, "device": d.device_id, "trust": d.trust_level_name,
            "identity_key": d.identity_key.hex(), "label": d.label,
            "active": {ns: a for ns, a in d.active}}


async def handle(req):
    global manager, own_jid, trust_policy
    cmd = req["cmd"]
    if cmd == "hello":
        return {}
    if cmd == "create":
        own_jid = req["jid"]
        storage = MemoryStorage()
        backends = []
        for ns in req["backends"]:  # priority order
            backends.append(twomemo.Twomemo(storage) if ns == twomemo.twomemo.NAMESPACE
                            else oldmemo.Oldmemo(storage))
        manager = await Manager.create(backends, storage, own_jid, req.get("label"), "undecided")
        own, _ = await manager.get_own_device_information()
        return {"device": own.device_id, "identity_key": own.identity_key.hex()}
    if cmd == "trust_policy":
        trust_policy = req["policy"]
        return {}
    if cmd == "device_list":
        ns, jid = req["ns"], req["jid"]
        parsed = ETREE[ns].parse_device_list(ET.fromstring(req["xml"]))
        device_lists[(ns, jid)] = parsed
        if manager is not None:  # before "create", the list only waits to be downloaded
            await manager.update_device_list(ns, jid, parsed)
        return {}
    if cmd == "bundle":
        bundles[(req["ns"], req["jid"], req["device"])] = req["xml"]
        return {}
    if cmd == "encrypt":
        plaintext = {ns: req["plaintext"].encode() for ns in ETREE}
        messages, errors = await manager.encrypt(frozenset(req["jids"]), plaintext,
                                                 req.get("priority"))
        return {"messages": [{"ns": m.namespace, "xml": xml_of(ETREE[m.namespace]
                                                               .serialize_message(m))}
                             for m in messages],
                "errors": [{"jid": e.bare_jid, "device": e.device_id, "ns": e.namespace,
                            "error": type(e.exception).__name__} for e in errors]}
    if cmd == "decrypt":
        ns, sender = req["ns"], req["sender"]
        element = ET.fromstring(req["xml"])
        if ns == oldmemo.oldmemo.NAMESPACE:
            message = await oldmemo.etree.parse_message(element, sender, own_jid, manager)
        else:
            message = twomemo.etree.parse_message(element, sender)
        plaintext, device, _ = await manager.decrypt(message)
        return {"plaintext": None if plaintext is None else plaintext.decode(),
                "from": device_info(device)}
    if cmd == "devices":
        infos = await manager.get_device_information(req["jid"])
        return {"devices": sorted((device_info(d) for d in infos), key=lambda d: d["device"])}
    if cmd == "replace_sessions":
        infos = await manager.get_device_information(req["jid"])
        device = next(d for d in infos if d.device_id == req["device"])
        failed = await manager.replace_sessions(device)
        return {"failed": {ns: type(e).__name__ for ns, e in failed.items()}}
    if cmd == "set_trust":
        await manager.set_trust(req["jid"], bytes.fromhex(req["identity_key"]), req["level"])
        return {}
    if cmd == "quit":
        return {"bye": True}
    raise ValueError("unknown command " + cmd)


async def handle_and_settle(req):
    reply = await handle(req)
    # Give python-omemo's background tasks (empty messages, refills) their turn.
    await asyncio.sleep(0)
    return reply


def add_outbox(reply):
    reply["outbox"] = list(outbox)
    outbox.clear()


if __name__ == "__main__":
    serve(handle_and_settle, add_outbox)
