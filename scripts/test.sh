#!/usr/bin/env bash
# Every test: set-up, one build configuration (g++) for the unit, interop,
# replay, consumer and bench-smoke tests, then a clang 14 build of the
# libFuzzer harnesses (which also compiles every header with clang) and a
# short fuzz run of each.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${E2EKIT_JOBS:-2}
fuzz_seconds=${E2EKIT_FUZZ_SECONDS:-10}

bash scripts/setup.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=g++ \
  -DE2EKIT_BUILD_TESTS=ON -DE2EKIT_BUILD_EXAMPLES=ON -DE2EKIT_BUILD_BENCH=ON >/dev/null
cmake --build build -j "$jobs"

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 -DE2EKIT_BUILD_TESTS=OFF -DE2EKIT_BUILD_EXAMPLES=OFF \
  -DE2EKIT_BUILD_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$jobs"

# A short libFuzzer run per harness, new inputs into a scratch folder (the
# checked-in corpus is read, never written).
fuzz_failed=0
for bin in build-fuzz/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=${bin##*/fuzz_}
  scratch=$(mktemp -d)
  if ! "$bin" -max_total_time="$fuzz_seconds" -print_final_stats=0 -artifact_prefix="$scratch/" \
       "$scratch" "fuzz/$name/corpus" >"$scratch/log" 2>&1; then
    echo "fuzz $name: FAILED"; tail -40 "$scratch/log"; fuzz_failed=1
  else
    echo "fuzz $name: $(grep -o 'Done [0-9]* runs' "$scratch/log" || echo ok)"
  fi
  rm -rf "$scratch"
done

cd build
ctest --output-on-failure -j "$jobs"
[ "$fuzz_failed" = 0 ]
