#!/usr/bin/env bash
# Installs the C libraries Winnow builds against (libxml2, zlib, libdeflate, CLD2, uchardet, libcurl; Debian/Ubuntu package names) when missing.
set -euo pipefail
missing=()
pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev)
[ -f /usr/include/cld2/public/compact_lang_det.h ] || missing+=(libcld2-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -f /usr/include/libdeflate.h ] || missing+=(libdeflate-dev)
[ -f /usr/include/uchardet/uchardet.h ] || missing+=(libuchardet-dev)
pkg-config --exists libcurl 2>/dev/null || missing+=(libcurl4-openssl-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
command -v swift >/dev/null || { echo "setup: the Swift 6 toolchain is needed (swift not on PATH)" >&2; exit 1; }
