"""Signal v3 interop driver: makes peers that speak PROTOCOL.md converse. Exit 0 on success,
1 on a failure, 77 when a peer cannot run here (ctest reports that as skipped).

    driver.py pair        <initiator> <responder>
    driver.py group       <peer> <peer> [<peer>...]
    driver.py fingerprint <peer> <peer>

A peer is "c:<path to signal_c_peer>" or "npm:<path to signal_npm_peer.js>". The tests only
prove the harness; e2ekit will later take one side. Set SIGNAL_DRIVER_SEED to replay a run.
"""
import json
import os
import random
import shutil
import subprocess
import sys

MESSAGES = 250
SKIP = 77


class Skip(Exception):
    pass


class Failure(Exception):
    pass


STAGE = ["start"]


def stage(name):
    STAGE[0] = name


def peer_command(spec):
    kind, _, path = spec.partition(":")
    if kind == "c":
        if not os.access(path, os.X_OK):
            raise Skip(f"{path} is not built")
        return [path], "libsignal-c"
    if kind == "npm":
        node = shutil.which("node")
        if not node:
            raise Skip("node is not installed")
        modules = os.path.join(os.path.dirname(os.path.abspath(path)), "node_modules", "libsignal")
        if not os.path.isdir(modules):
            raise Skip(f"{modules} is missing (npm ci in tests/interop/npm)")
        return [node, path], "npm-libsignal"
    raise Failure(f"unknown peer kind in {spec!r}")


class Peer:
    def __init__(self, spec, label):
        cmd, self.kind = peer_command(spec)
        self.label = f"{label}({self.kind})"
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)

    def call(self, cmd, **fields):
        """One request, one reply; the reply as a dict with "ok"."""
        line = json.dumps(dict(cmd=cmd, **fields))
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise Failure(f"{self.label} died on {line[:200]}")
        return json.loads(reply)

    def ok(self, cmd, **fields):
        reply = self.call(cmd, **fields)
        if not reply.get("ok"):
            raise Failure(f"{self.label} {cmd}: {reply}")
        return reply

    def fails(self, expected, cmd, **fields):
        reply = self.call(cmd, **fields)
        if reply.get("ok") or reply.get("error") != expected:
            raise Failure(f"{self.label} {cmd}: expected error {expected!r}, got {reply}")
        return reply

    def close(self):
        try:
            self.call("quit")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired, Failure):
            self.proc.kill()


def random_plaintext(rng):
    n = rng.choice([0, 1, 15, 16, 17, rng.randrange(1, 400)])
    return bytes(rng.getrandbits(8) for _ in range(n)).hex()


def flip_bit(rng, body_hex, region=None):
    b = bytearray(bytes.fromhex(body_hex))
    lo, hi = region if region else (0, len(b))
    i = rng.randrange(lo, hi)
    b[i] ^= 1 << rng.randrange(8)
    return b.hex()


BUNDLE_FIELDS = ("registration_id", "identity_key", "signed_prekey_id", "signed_prekey",
                 "signed_prekey_signature", "prekey_id", "prekey")


class Side:
    """One end of a session: a peer and the name/device the other end knows it by."""

    def __init__(self, peer, name, device):
        self.peer, self.name, self.device = peer, name, device

    def addr(self):
        return dict(name=self.name, device=self.device)


class Conversation:
    """Messages between two sides with random turn-taking and some out-of-order delivery.

    Each direction is a queue; a delivery takes the head most of the time and otherwise one
    of the next few, so messages overtake each other within and across ratchet steps."""

    def __init__(self, rng, initiator, responder, stats):
        self.rng, self.a, self.b, self.stats = rng, initiator, responder, stats
        self.queues = {id(initiator): [], id(responder): []}  # keyed by sender
        self.b_has_session = False
        self.a_acknowledged = False  # a has decrypted something from b
        self.delivered = []  # (sender, receiver, type, body)

    def other(self, side):
        return self.b if side is self.a else self.a

    def send(self, sender, plaintext=None):
        receiver = self.other(sender)
        plaintext = random_plaintext(self.rng) if plaintext is None else plaintext
        reply = sender.peer.ok("encrypt", **receiver.addr(), plaintext=plaintext)
        expected = 3 if sender is self.a and not self.a_acknowledged else 1
        if reply["type"] != expected:
            raise Failure(f"{sender.peer.label} sent type {reply['type']}, expected {expected}")
        self.queues[id(sender)].append((reply["type"], reply["body"], plaintext))
        self.stats["sent"] += 1

    def deliver(self, sender, index=0):
        receiver = self.other(sender)
        mtype, body, plaintext = self.queues[id(sender)].pop(index)
        reply = receiver.peer.ok("decrypt", **sender.addr(), type=mtype, body=body)
        if reply["plaintext"] != plaintext:
            raise Failure(f"{receiver.peer.label} decrypted a different plaintext")
        if index:
            self.stats["out_of_order"] += 1
        self.stats["delivered"] += 1
        self.delivered.append((sender, receiver, mtype, body))
        if receiver is self.b:
            self.b_has_session = True
        else:
            self.a_acknowledged = True

    def run(self, messages):
        sent = 0
        while sent < messages or any(self.queues.values()):
            senders = [self.a] + ([self.b] if self.b_has_session else [])
            pending = [s for s in (self.a, self.b) if self.queues[id(s)]]
            if sent < messages and (not pending or self.rng.random() < 0.5):
                self.send(self.rng.choice(senders))
                sent += 1
                continue
            sender = self.rng.choice(pending)
            queue = self.queues[id(sender)]
            index = 0 if self.rng.random() < 0.7 else self.rng.randrange(min(3, len(queue)))
            self.deliver(sender, index)

    def round_trip(self):
        for s in (self.a, self.b, self.a):
            self.send(s)
            self.deliver(s)


def pair_test(spec_a, spec_b, rng):
    stats = {"sent": 0, "delivered": 0, "out_of_order": 0}
    pa, pb = Peer(spec_a, "A"), Peer(spec_b, "B")
    try:
        ia = pa.ok("init", registration_id=rng.randrange(1, 16381), device_id=rng.randrange(1, 5),
                   prekey_count=10)
        ib = pb.ok("init", device_id=rng.randrange(1, 5), signed_prekey_id=rng.randrange(1, 100),
                   prekey_start=rng.randrange(1, 1000), prekey_count=10)
        alice = Side(pa, "alice", ia["device_id"])
        bob = Side(pb, "bob", ib["device_id"])

        stage("x3dh")
        # 1. X3DH with a one-time pre-key, then a long conversation.
        bundle = pb.ok("bundle")
        pa.ok("process_bundle", **bob.addr(), **{k: bundle[k] for k in BUNDLE_FIELDS})
        if not pa.ok("has_session", **bob.addr())["has_session"]:
            raise Failure("no session after process_bundle")
        if pb.ok("has_session", **alice.addr())["has_session"]:
            raise Failure("responder has a session before any message")
        conv = Conversation(rng, alice, bob, stats)
        conv.send(alice)
        conv.send(alice)
        conv.deliver(alice, 1)  # the second PreKeyWhisperMessage first
        if bundle["prekey_id"] in pb.ok("prekeys")["prekey_ids"]:
            raise Failure("one-time pre-key still stored after its first message")
        conv.run(MESSAGES)

        stage("replay/tamper")
        # 2. Replays are refused as duplicates, in both directions; a bit flipped anywhere in
        # the MAC or the ciphertext is refused; and neither hurts the session.
        for sender in (alice, bob):
            _, receiver, mtype, body = next(d for d in reversed(conv.delivered) if d[0] is sender)
            receiver.peer.fails("duplicate", "decrypt", **sender.addr(), type=mtype, body=body)
            conv.send(sender)
            mtype, body, _ = conv.queues[id(sender)][0]
            n = len(body) // 2
            for region in ((n - 8, n), (n - 30, n - 8)):
                receiver.peer.fails("invalid_message", "decrypt", **sender.addr(), type=mtype,
                                    body=flip_bit(rng, body, region))
            conv.deliver(sender)
            stats["refused"] = stats.get("refused", 0) + 3
        conv.round_trip()

        stage("strangers")
        # 3. Messages from strangers and from an unknown pre-key id.
        pb.fails("no_session", "decrypt", name="mallory", device=1, type=1,
                 body=conv.delivered[-1][3])
        stale = dict(bundle)  # its one-time pre-key was consumed in step 1
        pa.ok("process_bundle", name="bob-stale", device=bob.device,
              **{k: stale[k] for k in BUNDLE_FIELDS})
        msg = pa.ok("encrypt", name="bob-stale", device=bob.device, plaintext="00")
        pb.fails("invalid_key_id", "decrypt", name="alice-stale", device=alice.device,
                 type=msg["type"], body=msg["body"])

        stage("trust")
        # 4. An identity that differs from the pinned one is untrusted.
        pa.ok("set_identity", name="bob-pinned", device=bob.device,
              identity_key=pa.ok("identity")["identity_key"])
        pa.fails("untrusted_identity", "process_bundle", name="bob-pinned", device=bob.device,
                 **{k: pb.ok("bundle")[k] for k in BUNDLE_FIELDS})
        forged = pb.ok("bundle")
        forged["signed_prekey_signature"] = flip_bit(rng, forged["signed_prekey_signature"])
        pa.fails("invalid_key", "process_bundle", name="bob-forged", device=bob.device,
                 **{k: forged[k] for k in BUNDLE_FIELDS})

        stage("no-prekey")
        # 5. X3DH without a one-time pre-key, initiated the other way round.
        bundle = pa.ok("bundle", no_prekey=True)
        if bundle["prekey"] is not None:
            raise Failure("no_prekey bundle carries a pre-key")
        carol = Side(pa, "carol", alice.device)  # alice's keys under a second name
        dave = Side(pb, "dave", bob.device)
        pb.ok("process_bundle", **carol.addr(), **{k: bundle[k] for k in BUNDLE_FIELDS})
        Conversation(rng, dave, carol, stats).run(30)

        stage("restart")
        # 6. The initiator starts over with a fresh bundle; a message of the old session that
        # arrives after the new one still decrypts, and both sessions keep working.
        conv.send(alice)
        held = conv.queues[id(alice)].pop()
        bundle = pb.ok("bundle")
        pa.ok("process_bundle", **bob.addr(), **{k: bundle[k] for k in BUNDLE_FIELDS})
        conv.a_acknowledged = False
        conv.send(alice)
        conv.deliver(alice)
        conv.round_trip()
        stage("restart: old-session message after the new session")
        conv.queues[id(alice)].append(held)
        conv.deliver(alice)
        stage("restart: new session after the old-session message")
        if bob.peer.kind == "npm-libsignal":
            # npm libsignal 2.0.1 tries a message against every session of the record, most
            # recently used first, and stores the whole record once one succeeds. Trying the
            # old-session message against the new session stepped the new session's ratchet
            # (maybeStepRatchet runs before the MAC check), so when the new session was tried
            # first, it is now broken for good; the same happens between two npm peers. It
            # may also have been tried second (equal "used" times), and then nothing breaks.
            conv.send(alice)
            mtype, body, plaintext = conv.queues[id(alice)].pop()
            reply = bob.peer.call("decrypt", **alice.addr(), type=mtype, body=body)
            if reply.get("ok"):
                if reply["plaintext"] != plaintext:
                    raise Failure("decrypted a different plaintext")
                conv.a_acknowledged = False  # not yet: alice has sent, not received
                conv.queues[id(alice)].clear()
            elif reply.get("error") != "invalid_message":
                raise Failure(f"after the old-session message: {reply}")
            else:
                stats["npm_session_broken_by_old_message"] = 1
            # Either way alice starts a third session, which must work.
            bundle = pb.ok("bundle")
            pa.ok("process_bundle", **bob.addr(), **{k: bundle[k] for k in BUNDLE_FIELDS})
            conv.a_acknowledged = False
            conv.send(alice)
            conv.deliver(alice)
        conv.round_trip()
        conv.run(40)

        stage("fingerprint")
        # 7. Fingerprints where the library has them.
        for p, other in ((pa, pb), (pb, pa)):
            reply = p.call("fingerprint", local_id="alice", remote_id="bob",
                           remote_identity_key=other.ok("identity")["identity_key"])
            if reply.get("ok"):
                if len(reply["displayable"]) != 60 or not reply["displayable"].isdigit():
                    raise Failure(f"{p.label} fingerprint {reply['displayable']!r}")
            elif reply.get("error") != "unsupported":
                raise Failure(f"{p.label} fingerprint: {reply}")
    finally:
        pa.close()
        pb.close()
    print(f"pair {pa.label} -> {pb.label}: {stats}")


def group_test(specs, rng):
    peers = [Peer(s, f"P{i}") for i, s in enumerate(specs)]
    stats = {"sent": 0, "delivered": 0, "out_of_order": 0}
    try:
        members = []
        for i, p in enumerate(peers):
            info = p.ok("init", device_id=i + 1, prekey_count=1)
            members.append(dict(peer=p, name=f"member{i}", device=info["device_id"]))
        group = "group-" + rng.randbytes(4).hex()
        for m in members:
            sender = dict(group=group, name=m["name"], device=m["device"])
            dist = m["peer"].ok("group_create", **sender)["distribution"]
            for other in members:
                if other is not m:
                    other["peer"].fails("no_session", "group_decrypt", **sender,
                                        body=m["peer"].ok("group_encrypt", **sender,
                                                          plaintext="01")["body"])
                    other["peer"].ok("group_process", **sender, distribution=dist)
        # Every member sends; every other member receives in its own, partly shuffled order.
        inbox = {id(m): [] for m in members}
        for _ in range(MESSAGES):
            m = rng.choice(members)
            sender = dict(group=group, name=m["name"], device=m["device"])
            plaintext = random_plaintext(rng)
            body = m["peer"].ok("group_encrypt", **sender, plaintext=plaintext)["body"]
            stats["sent"] += 1
            for other in members:
                if other is not m:
                    inbox[id(other)].append((sender, body, plaintext))
            for other in members:
                q = inbox[id(other)]
                while q and rng.random() < 0.6:
                    index = 0 if rng.random() < 0.7 else rng.randrange(min(4, len(q)))
                    snd, body, plaintext = q.pop(index)
                    got = other["peer"].ok("group_decrypt", **snd, body=body)["plaintext"]
                    if got != plaintext:
                        raise Failure("group message decrypted differently")
                    stats["delivered"] += 1
                    stats["out_of_order"] += index > 0
                    other["last"] = (snd, body)
        for other in members:
            for snd, body, plaintext in inbox[id(other)]:
                if other["peer"].ok("group_decrypt", **snd, body=body)["plaintext"] != plaintext:
                    raise Failure("group message decrypted differently")
                stats["delivered"] += 1
                other["last"] = (snd, body)
            snd, body = other["last"]
            other["peer"].fails("duplicate", "group_decrypt", **snd, body=body)
            # The SenderKeyMessage ends in a 64-byte signature over everything before it.
            m = next(x for x in members if x["name"] == snd["name"])
            fresh = m["peer"].ok("group_encrypt", **snd, plaintext="02")["body"]
            other["peer"].fails("invalid_message", "group_decrypt", **snd,
                                body=flip_bit(rng, fresh, (len(fresh) // 2 - 64, len(fresh) // 2)))
            if other["peer"].ok("group_decrypt", **snd, body=fresh)["plaintext"] != "02":
                raise Failure("group message decrypted differently after a forgery")
    finally:
        for p in peers:
            p.close()
    print(f"group of {len(peers)}: {stats}")


def protobuf_fields(data):
    """Top-level length-delimited and varint fields of a protobuf message."""
    fields, i = {}, 0
    while i < len(data):
        key, i = varint(data, i)
        if key & 7 == 0:
            value, i = varint(data, i)
        elif key & 7 == 2:
            n, i = varint(data, i)
            value, i = data[i:i + n], i + n
        else:
            raise Failure("unexpected wire type in scannable fingerprint")
        fields[key >> 3] = value
    return fields


def varint(data, i):
    value = shift = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def fingerprint_test(spec_a, spec_b):
    pa, pb = Peer(spec_a, "A"), Peer(spec_b, "B")
    try:
        ka = pa.ok("init", prekey_count=0)["identity_key"]
        kb = pb.ok("init", prekey_count=0)["identity_key"]
        fa = pa.ok("fingerprint", local_id="+14152222222", remote_id="+14153333333",
                   remote_identity_key=kb)
        fb = pb.ok("fingerprint", local_id="+14153333333", remote_id="+14152222222",
                   remote_identity_key=ka)
        # Both sides show the same 60 digits (the two halves in sorted order) ...
        if fa["displayable"] != fb["displayable"] or len(fa["displayable"]) != 60:
            raise Failure(f"displayable fingerprints differ: {fa} {fb}")
        if fa["displayable_local"] != fb["displayable_remote"]:
            raise Failure("one side's local half is not the other's remote half")
        # ... and each scans the other's code: local and remote swap.
        sa = protobuf_fields(bytes.fromhex(fa["scannable"]))
        sb = protobuf_fields(bytes.fromhex(fb["scannable"]))
        if sa.get(1) != 1 or sa.get(2) != sb.get(3) or sa.get(3) != sb.get(2):
            raise Failure(f"scannable fingerprints do not mirror: {sa} {sb}")
        # A different remote key changes the number.
        fc = pa.ok("fingerprint", local_id="+14152222222", remote_id="+14153333333",
                   remote_identity_key=ka)
        if fc["displayable"] == fa["displayable"]:
            raise Failure("fingerprint ignores the remote key")
    finally:
        pa.close()
        pb.close()
    print(f"fingerprint {pa.label} <-> {pb.label}: {fa['displayable']}")


def main(argv):
    seed = int(os.environ.get("SIGNAL_DRIVER_SEED", random.SystemRandom().randrange(1 << 32)))
    rng = random.Random(seed)
    print(f"seed {seed}")
    try:
        mode, specs = argv[1], argv[2:]
        if mode == "pair" and len(specs) == 2:
            pair_test(*specs, rng)
        elif mode == "group" and len(specs) >= 2:
            group_test(specs, rng)
        elif mode == "fingerprint" and len(specs) == 2:
            fingerprint_test(*specs)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Skip as e:
        print(f"skipped: {e}")
        return SKIP
    except Failure as e:
        print(f"FAILED (seed {seed}, {STAGE[0]}): {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
