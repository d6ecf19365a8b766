#!/bin/sh
# Seeds for fuzz_signal_import: real records serialised by libsignal-protocol-c 2.3.3
# (signal_c_peer), written by the migration interop driver's `corpus` mode after two short
# conversations (a responder's record with an archived state and stored message keys, an
# initiator's with its unacknowledged pre-key message; the current state alone; identity,
# pre-key and signed pre-key), each record also truncated and with one bit flipped; plus an
# empty input.
#
#   fuzz/signal_import/make_corpus.sh <build dir>      (a build with the tests)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: make_corpus.sh <build dir>}
rm -rf "$here/corpus"
"$build/tests/interop/signal_v3_import/signal_v3_import_interop" corpus "$here/corpus" \
  "$build/tests/interop/signal_c/signal_c_peer"
: > "$here/corpus/empty"
ls -l "$here/corpus"
