"""XEdDSA interop driver: e2ekit (through xeddsa_peer) against python3-xeddsa
or libsignal-protocol-c. Exit 0 on success, 1 on a mismatch, 77 when the
peer is not installed (ctest reports that as skipped).

    driver.py python    <xeddsa_peer>
    driver.py libsignal <xeddsa_peer>
"""
import secrets
import subprocess
import sys

CASES = 300


class Peer:
    def __init__(self, path):
        self.proc = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)

    def ask(self, *args):
        line = " ".join(a.hex() if isinstance(a, bytes) and a else ("-" if isinstance(a, bytes) else a)
                        for a in args)
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline().strip()
        if reply.startswith("error"):
            raise RuntimeError(f"xeddsa_peer: {line!r} -> {reply}")
        return reply

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def tamper(b):
    """Flips one random bit."""
    i = secrets.randbelow(len(b) * 8)
    out = bytearray(b)
    out[i // 8] ^= 1 << (i % 8)
    return bytes(out)


def random_message():
    return secrets.token_bytes(secrets.randbelow(200))  # 0..199 bytes, empty included


def random_private_key(xeddsa, i):
    # python-omemo's keys come both ways: raw random scalars (x3dh pre-keys)
    # and seed_to_priv(seed) (identity keys kept as a seed).
    raw = secrets.token_bytes(32)
    return raw if i % 2 else xeddsa.seed_to_priv(raw)


class Tally:
    def __init__(self):
        self.failures = 0
        self.counts = {}

    def check(self, what, ok):
        self.counts[what] = self.counts.get(what, 0) + 1
        if not ok:
            self.failures += 1
            if self.failures <= 10:
                print(f"MISMATCH: {what}", file=sys.stderr)


def run_python(peer):
    try:
        import xeddsa  # python3-xeddsa
    except ImportError:
        print("skipped: python3-xeddsa is not installed")
        return 77
    t = Tally()
    for i in range(CASES):
        priv = random_private_key(xeddsa, i)
        msg = random_message()
        pub = xeddsa.priv_to_curve25519_pub(priv)
        t.check("same public key", bytes.fromhex(peer.ask("pub", priv)) == pub)
        ed_pub = xeddsa.curve25519_pub_to_ed25519_pub(pub, False)

        # e2ekit signs, python-xeddsa verifies (as python-omemo's x3dh does).
        sig = bytes.fromhex(peer.ask("sign", priv, msg))
        t.check("e2ekit -> python: verifies", xeddsa.ed25519_verify(sig, ed_pub, msg))
        t.check("e2ekit -> python: tampered signature fails",
                not xeddsa.ed25519_verify(tamper(sig), ed_pub, msg))
        if msg:
            t.check("e2ekit -> python: tampered message fails",
                    not xeddsa.ed25519_verify(sig, ed_pub, tamper(msg)))

        # python-xeddsa signs the way python-omemo's x3dh signs a signed
        # pre-key with a Curve25519 identity key; e2ekit verifies.
        psig = xeddsa.ed25519_priv_sign(xeddsa.priv_force_sign(priv, False), msg)
        t.check("python -> e2ekit: verifies", peer.ask("verify", pub, msg, psig) == "ok")
        t.check("python -> e2ekit: legacy verifier accepts it too",
                peer.ask("verify_legacy", pub, msg, psig) == "ok")
        t.check("python -> e2ekit: tampered signature fails",
                peer.ask("verify", pub, msg, tamper(psig)) == "fail")
        t.check("python -> e2ekit: wrong key fails",
                peer.ask("verify", tamper(pub), msg, psig) == "fail")
        if msg:
            t.check("python -> e2ekit: tampered message fails",
                    peer.ask("verify", pub, tamper(msg), psig) == "fail")
    return report(t)


def run_libsignal(peer):
    if peer.ask("has_libsignal") != "yes":
        print("skipped: libsignal-protocol-c was not found at build time")
        return 77
    t = Tally()
    sign_bit_set = 0
    for i in range(CASES):
        priv = secrets.token_bytes(32)
        msg = random_message()
        pub = bytes.fromhex(peer.ask("pub", priv))

        # libsignal-protocol-c signs (curve_calculate_signature's scheme).
        lsig = bytes.fromhex(peer.ask("lsc_sign", priv, msg))
        bit = lsig[63] >> 7
        sign_bit_set += bit
        t.check("libsignal -> libsignal: verifies", peer.ask("lsc_verify", pub, msg, lsig) == "ok")
        t.check("libsignal -> e2ekit legacy: verifies",
                peer.ask("verify_legacy", pub, msg, lsig) == "ok")
        # Spec XEdDSA accepts it exactly when the sign bit is clear.
        t.check("libsignal -> e2ekit xeddsa: accepted iff sign bit is 0",
                (peer.ask("verify", pub, msg, lsig) == "ok") == (bit == 0))
        t.check("libsignal -> e2ekit legacy: tampered signature fails",
                peer.ask("verify_legacy", pub, msg, tamper(lsig)) == "fail")
        if msg:
            t.check("libsignal -> e2ekit legacy: tampered message fails",
                    peer.ask("verify_legacy", pub, tamper(msg), lsig) == "fail")

        # e2ekit's XEdDSA signatures verify under libsignal-protocol-c.
        sig = bytes.fromhex(peer.ask("sign", priv, msg))
        t.check("e2ekit -> libsignal: verifies", peer.ask("lsc_verify", pub, msg, sig) == "ok")
        t.check("e2ekit -> libsignal: tampered signature fails",
                peer.ask("lsc_verify", pub, msg, tamper(sig)) == "fail")
    # Both halves of the key space were exercised.
    t.check("some libsignal signatures carried the sign bit", 0 < sign_bit_set < CASES)
    print(f"libsignal signatures with the sign bit set: {sign_bit_set}/{CASES}")
    return report(t)


def report(t):
    for what, n in sorted(t.counts.items()):
        print(f"{n:5d}  {what}")
    if t.failures:
        print(f"FAILED: {t.failures} mismatches", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("python", "libsignal"):
        print(__doc__, file=sys.stderr)
        return 2
    peer = Peer(sys.argv[2])
    try:
        return run_python(peer) if sys.argv[1] == "python" else run_libsignal(peer)
    finally:
        peer.close()


if __name__ == "__main__":
    sys.exit(main())
