#!/usr/bin/env bash
# Install what formgen needs from the system, when it is missing: LibreOffice Writer and Calc
# (DOCX/XLSX to PDF), the free CJK fonts its fontconfig maps the 公文 fonts to, poppler-utils
# (PDF text and pictures for the tests and formgen verify), Tesseract (the OCR bench), Chromium (the portal's browser tests), Python's venv module,
# and a C compiler with Python's headers (formgen's one C module).
# The 仿宋 and 楷体 faces (FandolFang, FandolKai) come from Debian's texlive-lang-chinese: its
# .deb is downloaded (apt checks it against the signed archive) and only these two font files
# and their licence are taken out of it into /usr/local/share/fonts/formgen, instead of
# installing a TeX distribution for two fonts.
# Uses apt-get as root (or through password-less sudo); otherwise says what to install.
set -euo pipefail

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
if command -v soffice >/dev/null 2>&1 && ! ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1 \
    && ! ls /opt/libreoffice*/program/libsclo.so >/dev/null 2>&1; then
  missing+=(libreoffice-calc-nogui)
fi
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing+=(python3-uno)
command -v gs >/dev/null 2>&1 || missing+=(ghostscript)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
fonts=$(fc-list : family 2>/dev/null || true)
have_font() { grep -qF "$1" <<<"$fonts"; }
have_font "Noto Serif CJK SC" || missing+=(fonts-noto-cjk)
have_font "Noto Sans CJK SC" || missing+=(fonts-noto-cjk)
have_font "AR PL UKai CN" || missing+=(fonts-arphic-ukai)
have_font "DejaVu Sans" || missing+=(fonts-dejavu-core)
FONT_DIR=/usr/local/share/fonts/formgen
FANDOL=(FandolFang-Regular.otf FandolKai-Regular.otf)
need_fandol=0
for face in "${FANDOL[@]}"; do [ -s "$FONT_DIR/$face" ] || need_fandol=1; done
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# The portal's end-to-end tests drive Debian's Chromium (never a downloaded browser).
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
"${PYTHON:-python3}" -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)
# Tesseract with Simplified Chinese: the OCR bench/bench_ocr.py holds RapidOCR (formgen verify's
# engine, from PyPI with its models) against.
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
[ -s /usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata ] || missing+=(tesseract-ocr-chi-sim)
# The Type 1 cipher in C (formgen/pdf/_eexec.c) is built by pip: a C compiler and Python's headers.
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
"${PYTHON:-python3}" -c 'import os, sys, sysconfig; sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
  || missing+=(python3-dev)

if [ ${#missing[@]} -eq 0 ] && [ $need_fandol -eq 0 ]; then
  exit 0
fi
# One name once each.
[ ${#missing[@]} -eq 0 ] || mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
[ ${#missing[@]} -eq 0 ] || echo "formgen setup: installing system packages: ${missing[*]}"

if ! command -v apt-get >/dev/null 2>&1; then
  echo "formgen setup: no apt-get here. Please install: LibreOffice (Writer and Calc), Noto CJK fonts," >&2
  echo "  AR PL UKai, DejaVu Sans, poppler-utils, Ghostscript, python3-uno and Python's venv module," >&2
  echo "  FandolFang-Regular.otf and FandolKai-Regular.otf (CTAN's fandol) into $FONT_DIR," >&2
  echo "  then run make again." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "formgen setup: root is needed to install system packages. Please run as root:" >&2
  [ ${#missing[@]} -eq 0 ] \
    || echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  [ $need_fandol -eq 0 ] || echo "  PYTHON=${PYTHON:-python3} $0   (the FandolFang and FandolKai fonts)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# FandolFang and FandolKai out of texlive-lang-chinese (GPL with the font exception).
install_fandol() {
  local work deb
  work=$(mktemp -d)
  # apt downloads as root into a folder of root's: no sandbox user needs to write there.
  download() { (cd "$work" && "${sudo[@]}" apt-get download -qq -o APT::Sandbox::User=root texlive-lang-chinese); }
  download || { "${sudo[@]}" apt-get update -qq && download; } || {
    echo "formgen setup: could not download texlive-lang-chinese for the FandolFang and FandolKai fonts" >&2
    rm -rf "$work"
    return 1
  }
  deb=$(ls "$work"/texlive-lang-chinese_*.deb)
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" --wildcards --no-anchored \
    "${FANDOL[@]/#/*/fandol/}" '*/fonts/fandol/COPYING.gz' '*/fonts/fandol/README'
  "${sudo[@]}" install -d -m 755 "$FONT_DIR"
  for face in "${FANDOL[@]}"; do
    "${sudo[@]}" install -m 644 "$(find "$work" -name "$face" -print -quit)" "$FONT_DIR/$face"
  done
  for doc in COPYING.gz README; do
    "${sudo[@]}" install -m 644 "$(find "$work" -path "*/fandol/$doc" -print -quit)" "$FONT_DIR/$doc"
  done
  rm -rf "$work"
}
if [ $need_fandol -eq 1 ]; then
  echo "formgen setup: installing the FandolFang and FandolKai fonts into $FONT_DIR"
  install_fandol
fi
fc-cache -f >/dev/null 2>&1 || true
echo "formgen setup: system packages installed."
