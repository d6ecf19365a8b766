#!/usr/bin/env bash
# Builds and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DE2EKIT_BUILD_TESTS=OFF \
  -DE2EKIT_BUILD_EXAMPLES=ON >/dev/null
cmake --build build-demo -j 2 --target example_demo
./build-demo/examples/example_demo
