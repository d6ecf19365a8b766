#!/usr/bin/python3
"""python-olm's PK encryption for matrix_files_interop: `new` prints
{"public", "pickle"} of a fresh PkDecryption; `decrypt PICKLE` reads
{"ephemeral","mac","ciphertext"} on stdin and prints the plaintext;
`encrypt PUBLIC` reads the plaintext on stdin and prints the message."""
import json
import sys

import olm

PASS = "matrix_files_interop"

if sys.argv[1] == "new":
    d = olm.pk.PkDecryption()
    print(json.dumps({"public": d.public_key, "pickle": d.pickle(PASS).decode()}))
elif sys.argv[1] == "decrypt":
    d = olm.pk.PkDecryption.from_pickle(sys.argv[2].encode(), PASS)
    m = json.load(sys.stdin)
    sys.stdout.write(d.decrypt(olm.pk.PkMessage(m["ephemeral"], m["mac"], m["ciphertext"])))
elif sys.argv[1] == "encrypt":
    m = olm.pk.PkEncryption(sys.argv[2]).encrypt(sys.stdin.read())
    print(json.dumps({"ephemeral": m.ephemeral_key, "mac": m.mac, "ciphertext": m.ciphertext}))
else:
    sys.exit(2)
