#!/usr/bin/python3
"""Writes the seeds of fuzz/crypto_verify: one input per verify / open path,
genuine ones made with python3-cryptography, python3-nacl and python3-xeddsa
(not with e2ekit), and broken ones beside them. The input form is described
at the top of crypto_verify.cpp: a path byte, then length-prefixed fields.
The RSA key is read from crypto_verify.cpp, so the two cannot drift apart.
Run from this directory: /usr/bin/python3 make_corpus.py"""
import hashlib
import hmac
import os
import random
import re

import nacl.signing
import xeddsa
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HMAC, ED25519, XEDDSA, GCM, CBC, ECDSA, RSA_VERIFY, RSA_DECRYPT = range(8)

rng = random.Random(20240601)  # seeds are reproducible


def rand(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def seed(path, *fields):
    out = bytes([path])
    for f in fields:
        assert len(f) < 256
        out += bytes([len(f)]) + f
    return out


def flip(b, i=0):
    b = bytearray(b)
    b[i % len(b)] ^= 1
    return bytes(b)


seeds = {}

# HMAC-SHA-256 (RFC 2104): full tag, 8-byte truncation, 7 bytes (too
# short), a wrong tag, a key longer than a block.
key, msg = rand(32), b"message key material"
tag = hmac.new(key, msg, hashlib.sha256).digest()
seeds["hmac_full"] = seed(HMAC, key, msg, tag, b"", b"\x03\x80")
seeds["hmac_truncated"] = seed(HMAC, key, msg, tag[:8])
seeds["hmac_too_short"] = seed(HMAC, key, msg, tag[:7])
seeds["hmac_wrong"] = seed(HMAC, key, msg, flip(tag, 31))
long_key = rand(100)
seeds["hmac_long_key"] = seed(HMAC, long_key, msg,
                              hmac.new(long_key, msg, hashlib.sha256).digest())

# Ed25519 (RFC 8032): genuine, S + L (non-canonical), small-order key.
sk = nacl.signing.SigningKey(rand(32))
msg = b"ed25519 seed message"
sig = sk.sign(msg).signature
seeds["ed25519_good"] = seed(ED25519, bytes(sk.verify_key), msg, sig, rand(32), b"\x00\x01")
L = 2**252 + 27742317777372353535851937790883648493
s_plus_l = (int.from_bytes(sig[32:], "little") + L).to_bytes(32, "little")
seeds["ed25519_noncanonical_s"] = seed(ED25519, bytes(sk.verify_key), msg, sig[:32] + s_plus_l)
seeds["ed25519_small_order_key"] = seed(ED25519, b"\x01" + bytes(31), msg, bytes(64))

# XEdDSA: a signature by python-xeddsa (sign bit forced to 0), and the
# libsignal-protocol-c form (unnegated scalar, A's sign bit in byte 63).
priv = bytearray(rand(32))
priv[0] &= 248
priv[31] = (priv[31] & 127) | 64
priv = bytes(priv)
u = xeddsa.priv_to_curve25519_pub(priv)
msg = b"identity key signs the signed prekey"
good = xeddsa.ed25519_priv_sign(xeddsa.priv_force_sign(priv, False), msg)
seeds["xeddsa_good"] = seed(XEDDSA, u, msg, good, priv, b"\x3f\x80")
a = xeddsa.priv_to_ed25519_pub(priv)
legacy = bytearray(xeddsa.ed25519_priv_sign(priv, msg))
legacy[63] |= a[31] & 0x80
seeds["xeddsa_legacy"] = seed(XEDDSA, u, msg, bytes(legacy), rand(32))
u_high = bytearray(u)
u_high[31] |= 0x80
seeds["xeddsa_u_bit255"] = seed(XEDDSA, bytes(u_high), msg, good)

# AES-GCM (SP 800-38D): 12- and 16-byte IVs, AES-128 and -256, a cut tag,
# an empty IV.
for bits, ivlen in ((256, 12), (128, 12), (256, 16)):
    key, iv, aad, pt = rand(bits // 8), rand(ivlen), b"header", rand(40)
    sealed = AESGCM(key).encrypt(iv, pt, aad)
    seeds[f"gcm{bits}_iv{ivlen}_good"] = seed(GCM, key, iv, aad, sealed, b"\x05\x01")
    seeds[f"gcm{bits}_iv{ivlen}_bad_tag"] = seed(GCM, key, iv, aad, flip(sealed, -1))
seeds["gcm_short"] = seed(GCM, rand(32), rand(12), b"", rand(15))
seeds["gcm_empty_iv"] = seed(GCM, rand(32), b"", b"", rand(16))


# AES-CBC with PKCS#7: genuine, a bad last byte, not whole blocks.
def cbc(key, iv, pt, pad=True):
    if pad:
        p = padding.PKCS7(128).padder()
        pt = p.update(pt) + p.finalize()
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return e.update(pt) + e.finalize()


for bits in (128, 256):
    key, iv = rand(bits // 8), rand(16)
    seeds[f"cbc{bits}_good"] = seed(CBC, key, iv, cbc(key, iv, b"sixteen byte msg!"), rand(20))
key, iv = rand(32), rand(16)
seeds["cbc_bad_padding"] = seed(CBC, key, iv, cbc(key, iv, rand(31) + b"\x02", pad=False))
seeds["cbc_ragged"] = seed(CBC, key, iv, rand(20))

# ECDSA secp256k1 with SHA-256: whatever s the library draws (high or low),
# and a BER-style long-form length that strict DER refuses.
sk = ec.derive_private_key(int.from_bytes(rand(31), "big") + 1, ec.SECP256K1())
point = sk.public_key().public_bytes(serialization.Encoding.X962,
                                     serialization.PublicFormat.CompressedPoint)
msg = b"dimp meta fingerprint"
der = sk.sign(msg, ec.ECDSA(hashes.SHA256()))
scalar = sk.private_numbers().private_value.to_bytes(32, "big")
seeds["ecdsa_good"] = seed(ECDSA, point, msg, der, scalar, b"\x07\x01")
ber = bytes([0x30, 0x81, der[1]]) + der[2:]
seeds["ecdsa_ber_length"] = seed(ECDSA, point, msg, ber)
seeds["ecdsa_zero_scalar"] = seed(ECDSA, point, msg, b"", bytes(32))

# RSA PKCS#1 v1.5 under the harness's fixed key.
pem = re.search(r"(-----BEGIN RSA PRIVATE KEY-----.*?-----END RSA PRIVATE KEY-----)",
                open("crypto_verify.cpp").read(), re.S).group(1).encode()
rsa = serialization.load_pem_private_key(pem, password=None)
msg = b"SHA256withRSA document"
sig = rsa.sign(msg, rsa_padding.PKCS1v15(), hashes.SHA256())
seeds["rsa_sig_good"] = seed(RSA_VERIFY, b"", msg, sig, b"", b"\x10\x40")
seeds["rsa_sig_short"] = seed(RSA_VERIFY, b"", msg, sig[1:])
ct = rsa.public_key().encrypt(rand(32), rsa_padding.PKCS1v15())
seeds["rsa_decrypt_good"] = seed(RSA_DECRYPT, b"", b"message key", ct)
seeds["rsa_decrypt_garbage"] = seed(RSA_DECRYPT, b"", b"", rand(128))

seeds["empty"] = b""
seeds["path_only"] = bytes([HMAC])

os.makedirs("corpus", exist_ok=True)
for name in os.listdir("corpus"):
    os.remove(os.path.join("corpus", name))
for name, data in sorted(seeds.items()):
    with open(os.path.join("corpus", name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds written")
