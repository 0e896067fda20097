#!/usr/bin/env bash
# Regenerates testdata/models/*.onnx (and testdata/onnx_bad/*) offline from
# Debian's python3-torchvision and python3-onnx, installing those packages
# first if they are missing (as root; otherwise prints the command and
# stops). Not needed for building or testing: the outputs are committed.
#
#   tools/scripts/export_testdata.sh [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/../.."

PACKAGES=(python3-torchvision python3-onnx)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "export_testdata: run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian's interpreter, where the packages above live (not a pyenv one).
/usr/bin/python3 testdata/models/export_models.py testdata/models "$@"
/usr/bin/python3 testdata/onnx_bad/make_bad_models.py
