#!/usr/bin/env bash
# Build fasttape with AddressSanitizer in place and run the test suite under it.
#
#   tools/asan_tests.sh                  # the whole suite
#   tools/asan_tests.sh tests/regression # or any pytest arguments
#
# The compiled modules are left as ASan builds: rebuild normally afterwards with
#   python3 setup.py build_ext --inplace --force
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

FASTTAPE_SANITIZE=address "$PYTHON" setup.py build_ext --inplace --force

LIBASAN=$(gcc -print-file-name=libasan.so)
if [ ! -e "$LIBASAN" ]; then
    echo "libasan.so not found (gcc -print-file-name=libasan.so gave '$LIBASAN')" >&2
    exit 2
fi
# Python itself is not instrumented and leaks by design at exit: no leak checking.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
LD_PRELOAD="$LIBASAN" "$PYTHON" -m pytest -q -p no:cacheprovider "${@:-tests}"
