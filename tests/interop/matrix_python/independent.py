#!/usr/bin/python3
"""Matrix key export files and encrypted attachments (v2), done with
python3-cryptography alone, for matrix_files_interop: `read-export FILE PASS`
prints the JSON inside; `write-export PASS ROUNDS` reads JSON on stdin and
prints an export file; `read-attachment CT_FILE` reads the info JSON on stdin
and prints the plaintext as hex; `write-attachment PT_FILE` prints
{"info": ..., "ciphertext": hex}."""
import base64
import hashlib
import hmac
import json
import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

HEADER = "-----BEGIN MEGOLM SESSION DATA-----"
FOOTER = "-----END MEGOLM SESSION DATA-----"


def keys(passphrase, salt, rounds):
    k = PBKDF2HMAC(algorithm=hashes.SHA512(), length=64, salt=salt, iterations=rounds)
    derived = k.derive(passphrase.encode())
    return derived[:32], derived[32:]


def ctr(key, iv, data):
    c = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return c.update(data) + c.finalize()


def unb64(s):
    s = s.replace("-", "+").replace("_", "/")
    return base64.b64decode(s + "=" * (-len(s) % 4))


def read_export(path, passphrase):
    text = open(path).read()
    body = text[text.index(HEADER) + len(HEADER):text.index(FOOTER)]
    data = base64.b64decode("".join(body.split()))
    assert data[0] == 1
    salt, iv, rounds = data[1:17], data[17:33], int.from_bytes(data[33:37], "big")
    aes, mac = keys(passphrase, salt, rounds)
    assert hmac.compare_digest(hmac.new(mac, data[:-32], hashlib.sha256).digest(), data[-32:])
    sys.stdout.write(ctr(aes, iv, data[37:-32]).decode())


def write_export(passphrase, rounds):
    plain = sys.stdin.buffer.read()
    salt, iv = os.urandom(16), bytearray(os.urandom(16))
    iv[8] &= 0x7F
    aes, mac = keys(passphrase, salt, rounds)
    body = b"\x01" + salt + bytes(iv) + rounds.to_bytes(4, "big") + ctr(aes, bytes(iv), plain)
    data = body + hmac.new(mac, body, hashlib.sha256).digest()
    b64 = base64.b64encode(data).decode()
    lines = [b64[i:i + 96] for i in range(0, len(b64), 96)]
    print(HEADER + "\n" + "\n".join(lines) + "\n" + FOOTER)


def read_attachment(path):
    info = json.load(sys.stdin)
    ct = open(path, "rb").read()
    assert info["v"] == "v2" and info["key"]["alg"] == "A256CTR"
    assert hashlib.sha256(ct).digest() == unb64(info["hashes"]["sha256"])
    print(ctr(unb64(info["key"]["k"]), unb64(info["iv"]), ct).hex())


def write_attachment(path):
    plain = open(path, "rb").read()
    key, iv = os.urandom(32), os.urandom(8) + b"\x00" * 8
    ct = ctr(key, iv, plain)
    info = {
        "v": "v2",
        "key": {"kty": "oct", "alg": "A256CTR", "ext": True, "key_ops": ["encrypt", "decrypt"],
                "k": base64.urlsafe_b64encode(key).decode().rstrip("=")},
        "iv": base64.b64encode(iv).decode().rstrip("="),
        "hashes": {"sha256": base64.b64encode(hashlib.sha256(ct).digest()).decode().rstrip("=")},
    }
    print(json.dumps({"info": info, "ciphertext": ct.hex()}))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "read-export":
        read_export(sys.argv[2], sys.argv[3])
    elif cmd == "write-export":
        write_export(sys.argv[2], int(sys.argv[3]))
    elif cmd == "read-attachment":
        read_attachment(sys.argv[2])
    elif cmd == "write-attachment":
        write_attachment(sys.argv[2])
    else:
        sys.exit(2)
