#!/usr/bin/env bash
# Install what formgen needs from the system, when it is missing: LibreOffice Writer and Calc
# (DOCX/XLSX to PDF), the free CJK fonts its fontconfig maps the 公文 fonts to, poppler-utils
# (PDF text and pictures for the tests), Chromium (the portal's browser tests), and Python's venv module.
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
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# The portal's end-to-end tests drive Debian's Chromium (never a downloaded browser).
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
"${PYTHON:-python3}" -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
# One name once each.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "formgen setup: installing system packages: ${missing[*]}"

if ! command -v apt-get >/dev/null 2>&1; then
  echo "formgen setup: no apt-get here. Please install: LibreOffice (Writer and Calc), Noto CJK fonts," >&2
  echo "  AR PL UKai, DejaVu Sans, poppler-utils, Ghostscript, python3-uno and Python's venv module," >&2
  echo "  then run make again." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "formgen setup: root is needed to install system packages. Please run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fc-cache -f >/dev/null 2>&1 || true
echo "formgen setup: system packages installed."
