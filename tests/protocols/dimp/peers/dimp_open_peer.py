"""Opens DIMP reliable messages with python3-cryptography alone, apart from
e2ekit and from the reference implementation, for tests/protocols/dimp/
packer.cpp: verifies the signature over the bytes of `data` with the
sender's meta key (ECDSA secp256k1 / RSASSA-PKCS1-v1_5, SHA-256), decrypts
the receiver's `keys` entry with RSAES-PKCS1-v1_5, then `data` with
AES-CBC and PKCS#7 under `IV`, and checks every field has the JSON type the
reference writes.

Input (file named by argv[1]): one JSON object per line,
  {"message": {...}, "sender_key": "<PEM>", "receiver": "<ID>",
   "receiver_key": "<PEM>" | null}
Output: one line per input, json.dumps({"ok": true, "content": <content>,
  "key": <message key map>}) or {"ok": false, "why": "..."}.
"""
import base64
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

FIELD_TYPES = {"sender": str, "receiver": str, "time": (int, float), "type": str,
               "data": str, "IV": str, "keys": dict, "key": str, "signature": str,
               "group": str, "meta": dict, "visa": dict}


def b64(text):
    return base64.b64decode(text, validate=True)


def open_message(case):
    msg = case["message"]
    for field, kind in FIELD_TYPES.items():
        if field in msg and not isinstance(msg[field], kind):
            return {"ok": False, "why": "field %s is %s" % (field, type(msg[field]).__name__)}
    for field in ("sender", "receiver", "time", "type", "data", "signature"):
        if field not in msg:
            return {"ok": False, "why": "no " + field}
    broadcast = "keys" not in msg and "key" not in msg and "IV" not in msg
    data = msg["data"].encode("utf-8") if broadcast else b64(msg["data"])
    signature = b64(msg["signature"])
    sender = serialization.load_pem_public_key(case["sender_key"].encode())
    try:
        if isinstance(sender, ec.EllipticCurvePublicKey):
            if sender.curve.name != "secp256k1":
                return {"ok": False, "why": "curve " + sender.curve.name}
            sender.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            sender.verify(signature, data, asym_padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return {"ok": False, "why": "signature"}
    if broadcast:
        return {"ok": True, "content": json.loads(data.decode("utf-8")), "key": None}
    receiver = serialization.load_pem_private_key(case["receiver_key"].encode(), password=None)
    assert isinstance(receiver, rsa.RSAPrivateKey)
    entry = msg["keys"][case["receiver"]] if "keys" in msg else msg["key"]
    key_text = receiver.decrypt(b64(entry), asym_padding.PKCS1v15())
    key = json.loads(key_text.decode("utf-8"))
    if key.get("algorithm") != "AES":
        return {"ok": False, "why": "key algorithm"}
    iv = b64(msg["IV"])
    decryptor = Cipher(algorithms.AES(b64(key["data"])), modes.CBC(iv)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    body = unpadder.update(padded) + unpadder.finalize()
    content = json.loads(body.decode("utf-8"))
    if content.get("type") != msg["type"]:
        return {"ok": False, "why": "type differs from content"}
    # The bytes are json.dumps of the content, as the reference writes them.
    if json.dumps(content).encode("utf-8") != body:
        return {"ok": False, "why": "content text is not json.dumps"}
    return {"ok": True, "content": content, "key": key}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if line.strip():
                print(json.dumps(open_message(json.loads(line))))


if __name__ == "__main__":
    main()
