#!/usr/bin/env bash
# Installs the PyTorch peer of `./kiln bench compare`: Debian's python3-torch (1.13, with
# functorch) and the pthread OpenBLAS it runs fast with (see benchmarks/python/README.md).
#   scripts/install-pytorch.sh          install what is missing (needs root: apt-get)
#   scripts/install-pytorch.sh --check  only say whether it is installed (exit 0 if so)
set -euo pipefail

PACKAGES=(python3 python3-torch libopenblas0-pthread)
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread

# Debian's torch lives in /usr/bin/python3's dist-packages; a python3 earlier on PATH (pyenv,
# a virtualenv) may not see it. $KILN_PYTHON overrides the choice.
find_python() {
    local p
    for p in ${KILN_PYTHON:-} /usr/bin/python3 python3; do
        if command -v "$p" >/dev/null 2>&1 && LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
            "$p" -c 'import torch, functorch' >/dev/null 2>&1; then
            command -v "$p"
            return 0
        fi
    done
    return 1
}

have_torch() {
    [ -d "$OPENBLAS_DIR" ] && find_python >/dev/null
}

torch_version() {
    "$(find_python)" -c 'import torch; print("torch", torch.__version__, "at", torch.__file__)' 2>/dev/null
}

if have_torch; then
    echo "pytorch: installed ($(torch_version), python $(find_python))"
    exit 0
fi
if [ "${1:-}" = "--check" ]; then
    echo "pytorch: not installed (scripts/install-pytorch.sh installs ${PACKAGES[*]})"
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    cat >&2 <<MSG
pytorch: not installed, and this is not a Debian/Ubuntu system (no apt-get).
  The comparison needs PyTorch 1.13+ with functorch, and a pthread OpenBLAS under
  $OPENBLAS_DIR (or set KILN_OPENBLAS_DIR). Install them by hand, e.g.
  pip install torch==1.13.1 functorch==1.13.1, then run ./kiln bench compare again.
MSG
    exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo)
    else
        cat >&2 <<MSG
pytorch: not installed, and installing it needs root. Run as root (or with sudo):
  apt-get install -y ${PACKAGES[*]}
then run ./kiln bench compare again.
MSG
        exit 1
    fi
fi
echo "pytorch: installing ${PACKAGES[*]} with apt-get (Debian's PyTorch 1.13 with functorch, and pthread OpenBLAS)..."
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"; then
    echo "pytorch: apt-get install failed; refreshing the package lists and trying once more" >&2
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"
fi
if have_torch; then
    echo "pytorch: installed ($(torch_version), python $(find_python))"
else
    echo "pytorch: installed the packages, but 'import torch, functorch' still fails" >&2
    exit 1
fi
