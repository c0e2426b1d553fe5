#!/usr/bin/env bash
# Makes sure an OpenCL runtime is installed for Kiln's OpenCL backend and its tests: the ICD loader
# with the unversioned libOpenCL.so that JOCL loads, and at least one OpenCL driver (PoCL, which runs
# OpenCL on the CPU, when nothing else is there). Installs Debian's packages when they are missing
# and this runs as root; otherwise says what to run and exits 1.
#   scripts/install-opencl.sh          install when missing
#   scripts/install-opencl.sh --check  only report (exit 0: usable, 1: not)
set -uo pipefail

PACKAGES="pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev"

have_loader() { # JOCL needs the unversioned libOpenCL.so (from ocl-icd-opencl-dev)
    ldconfig -p 2>/dev/null | grep -qE 'libOpenCL\.so( |$)' \
        || [ -e /usr/lib/x86_64-linux-gnu/libOpenCL.so ] || [ -e /usr/lib/aarch64-linux-gnu/libOpenCL.so ]
}
have_driver() { # an installable client driver registered with the loader
    compgen -G "/etc/OpenCL/vendors/*.icd" >/dev/null
}
usable() { have_loader && have_driver; }

if usable; then
    echo "kiln: OpenCL runtime present ($(basename -a /etc/OpenCL/vendors/*.icd | tr '\n' ' '))" >&2
    exit 0
fi
if [ "${1:-}" = "--check" ]; then
    echo "kiln: no usable OpenCL runtime (need libOpenCL.so and a driver in /etc/OpenCL/vendors)" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "kiln: no usable OpenCL runtime, and not running as root, so not installing one." >&2
    echo "  install it with: sudo apt-get install -y $PACKAGES" >&2
    echo "  (without it the OpenCL backend is absent and its tests are skipped)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "kiln: no usable OpenCL runtime and no apt-get here; install an OpenCL ICD loader (libOpenCL.so) and a driver such as PoCL." >&2
    exit 1
fi
echo "kiln: installing an OpenCL runtime (PoCL, about 600 MB with its LLVM): $PACKAGES" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q $PACKAGES >/dev/null 2>&1; then
    # Stale package lists are the usual cause; refresh them once and retry.
    apt-get update -q >/dev/null 2>&1 || true
    if ! apt-get install -y -q $PACKAGES >&2; then
        echo "kiln: apt-get could not install $PACKAGES; the OpenCL backend stays absent and its tests are skipped." >&2
        exit 1
    fi
fi
if usable; then
    echo "kiln: OpenCL runtime installed" >&2
    exit 0
fi
echo "kiln: installed $PACKAGES but no OpenCL driver is registered in /etc/OpenCL/vendors" >&2
exit 1
