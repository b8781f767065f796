# Shared by scripts/run and scripts/test: find Swift, install the Debian packages mrs needs.
set -euo pipefail

# Swift lives in /opt/swift on the project's machines; use it when it is not on PATH yet.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH=/opt/swift/usr/bin:$PATH
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "mrs: Swift 6 is needed (https://swift.org/install); put it on PATH and run this again" >&2
    exit 1
fi

# Runs a command as root (directly, or through sudo).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
        echo "mrs: need root (or sudo) to install: $*" >&2; exit 1
    fi
}

# Installs the Debian packages that are missing (quietly, once).
install_debian() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "mrs: installing ${missing[*]}" >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# The native libraries mrs is built on.
BUILD_PACKAGES=(pkg-config libfftw3-dev libhdf5-dev libopenblas-dev liblapacke-dev libedit-dev libpng-dev zlib1g-dev libzip-dev libsixel-dev libzmq3-dev libssl-dev libxml2-dev)
# What mrs reads at run time: the ISMRMRD schema that headers are validated against.
RUN_PACKAGES=(ismrmrd-schema)
