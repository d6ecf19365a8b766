#!/usr/bin/python3
"""Writes the seeds of fuzz/libolm_pickle from pickles that libolm itself
makes (python3-olm), decrypted with python3-cryptography: one seed per kind
(first byte: 0 account, 1 Olm session, 2 inbound and 3 outbound group
session, each followed by the pickle's plaintext; 4 followed by a pickle's
text), plus cut and stretched ones. Run here: /usr/bin/python3 make_corpus.py"""
import base64
import os

import olm
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY = b"DEFAULT_PICKLE_KEY"


def plaintext(pickle, key=KEY):
    raw = base64.b64decode(pickle + b"=" * (-len(pickle) % 4))
    okm = HKDF(algorithm=hashes.SHA256(), length=80, salt=None, info=b"Pickle").derive(key)
    dec = Cipher(algorithms.AES(okm[:32]), modes.CBC(okm[64:80])).decryptor()
    padded = dec.update(raw[:-8]) + dec.finalize()
    unpad = padding.PKCS7(128).unpadder()
    return unpad.update(padded) + unpad.finalize()


def write(name, data):
    with open(os.path.join("corpus", name), "wb") as f:
        f.write(data)


os.makedirs("corpus", exist_ok=True)
alice, bob = olm.Account(), olm.Account()
bob.generate_one_time_keys(2)
bob.generate_fallback_key()
otk = list(bob.one_time_keys["curve25519"].values())[0]
bob.mark_keys_as_published()
out = olm.OutboundSession(alice, bob.identity_keys["curve25519"], otk)
first = out.encrypt("hi")
inb = olm.InboundSession(bob, first)
inb.decrypt(first)
for _ in range(3):
    reply = inb.encrypt("back")
out.decrypt(reply)
group = olm.OutboundGroupSession()
for _ in range(4):
    group.encrypt("to the room")
ingroup = olm.InboundGroupSession(group.session_key)

kinds = [
    (0, "account", bob.pickle(KEY.decode())),
    (1, "session_out", out.pickle(KEY.decode())),
    (1, "session_in", inb.pickle(KEY.decode())),
    (2, "inbound_group", ingroup.pickle(KEY.decode())),
    (3, "outbound_group", group.pickle(KEY.decode())),
]
for kind, name, pickle in kinds:
    pt = plaintext(pickle)
    write(name, bytes([kind]) + pt)
    write(name + "_cut", bytes([kind]) + pt[: len(pt) // 2])
    write(name + "_long", bytes([kind]) + pt + b"\x00")
write("envelope_account", bytes([4]) + bob.pickle(KEY.decode()))
write("envelope_session", bytes([4]) + out.pickle(""))
write("envelope_garbage", bytes([4]) + b"not a pickle!")
