"""Encodes random messages with Google's protobuf runtime (python3-protobuf)
so that tests/codec/protobuf_message.cpp can check e2ekit's described
encoding byte for byte. Prints one JSON object per line:
{"type": ..., "fields": {...}, "wire": hex}; bytes values are hex.

Usage: protobuf_peer.py SEED COUNT
"""
import json
import random
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto


def build_pool():
    fd = descriptor_pb2.FileDescriptorProto(name="e2ekit_test.proto", package="t", syntax="proto2")

    def msg(name, fields):
        m = fd.message_type.add(name=name)
        for num, fname, ftype, label, type_name in fields:
            f = m.field.add(name=fname, number=num, type=ftype, label=label)
            if type_name:
                f.type_name = type_name

    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    # Signal's WhisperTextProtocol.proto field numbers.
    msg("SignalMessage", [
        (1, "ratchetKey", F.TYPE_BYTES, opt, None),
        (2, "counter", F.TYPE_UINT32, opt, None),
        (3, "previousCounter", F.TYPE_UINT32, opt, None),
        (4, "ciphertext", F.TYPE_BYTES, opt, None),
    ])
    msg("PreKeySignalMessage", [
        (1, "preKeyId", F.TYPE_UINT32, opt, None),
        (2, "baseKey", F.TYPE_BYTES, opt, None),
        (3, "identityKey", F.TYPE_BYTES, opt, None),
        (4, "message", F.TYPE_BYTES, opt, None),
        (5, "registrationId", F.TYPE_UINT32, opt, None),
        (6, "signedPreKeyId", F.TYPE_UINT32, opt, None),
    ])
    # Exercises nesting, repetition and the other scalar kinds.
    msg("Envelope", [
        (1, "id", F.TYPE_UINT64, opt, None),
        (2, "inner", F.TYPE_MESSAGE, opt, ".t.SignalMessage"),
        (3, "keys", F.TYPE_BYTES, rep, None),
        (4, "items", F.TYPE_MESSAGE, rep, ".t.SignalMessage"),
        (5, "flag", F.TYPE_BOOL, opt, None),
        (7, "note", F.TYPE_STRING, opt, None),
        (300, "counters", F.TYPE_UINT32, rep, None),
    ])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    return pool


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rnd = random.Random(seed)
    pool = build_pool()
    factory = message_factory.MessageFactory(pool)
    cls = {n: factory.GetPrototype(pool.FindMessageTypeByName("t." + n))
           for n in ("SignalMessage", "PreKeySignalMessage", "Envelope")}

    def rbytes(lo=0, hi=40):
        return bytes(rnd.getrandbits(8) for _ in range(rnd.randint(lo, hi)))

    def ru32():
        return rnd.choice([0, 1, 127, 128, 300, 2**31, 2**32 - 1, rnd.getrandbits(32)])

    def ru64():
        return rnd.choice([0, 1, 2**63, 2**64 - 1, rnd.getrandbits(64)])

    def signal(m):
        m.ratchetKey = rbytes(33, 33)
        m.counter = ru32()
        m.previousCounter = ru32()
        m.ciphertext = rbytes()
        return {"ratchetKey": m.ratchetKey.hex(), "counter": m.counter,
                "previousCounter": m.previousCounter, "ciphertext": m.ciphertext.hex()}

    for i in range(count):
        kind = ("SignalMessage", "PreKeySignalMessage", "Envelope")[i % 3]
        m = cls[kind]()
        if kind == "SignalMessage":
            fields = signal(m)
        elif kind == "PreKeySignalMessage":
            fields = {}
            if rnd.random() < 0.5:
                m.preKeyId = ru32()
                fields["preKeyId"] = m.preKeyId
            m.baseKey = rbytes(33, 33)
            m.identityKey = rbytes(33, 33)
            m.message = rbytes(0, 200)
            m.registrationId = ru32()
            m.signedPreKeyId = ru32()
            fields.update(baseKey=m.baseKey.hex(), identityKey=m.identityKey.hex(),
                          message=m.message.hex(), registrationId=m.registrationId,
                          signedPreKeyId=m.signedPreKeyId)
        else:
            fields = {"id": 0, "keys": [], "items": [], "counters": []}
            m.id = ru64()
            fields["id"] = m.id
            if rnd.random() < 0.6:
                fields["inner"] = signal(m.inner)
            for _ in range(rnd.randint(0, 3)):
                k = rbytes(0, 8)
                m.keys.append(k)
                fields["keys"].append(k.hex())
            for _ in range(rnd.randint(0, 2)):
                fields["items"].append(signal(m.items.add()))
            if rnd.random() < 0.5:
                m.flag = rnd.random() < 0.5
                fields["flag"] = m.flag
            if rnd.random() < 0.5:
                m.note = rnd.choice(["", "hi", "日本語", "a\u0000b"])
                fields["note"] = m.note
            for _ in range(rnd.randint(0, 3)):
                c = ru32()
                m.counters.append(c)
                fields["counters"].append(c)
        print(json.dumps({"type": kind, "fields": fields,
                          "wire": m.SerializeToString().hex()}))


if __name__ == "__main__":
    main()
