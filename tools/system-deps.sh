#!/bin/sh
# Install the system tools docforge's tests need, only those that are missing.
# Java runs the Nu HTML checker and epubcheck; LibreOffice renders DOCX; fonts give the
# PDF writer embeddable TrueType fonts (Latin, CJK, Korean, Indic, Thai, Hebrew, Arabic,
# emoji); poppler gives pdftotext; Chromium and chromedriver drive the editor's page of
# `docforge serve`; Node.js runs the accessibility checkers (Ace, axe-core) on that chromium.
set -e
missing=""
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-writer-nogui"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
# the editor page's browser test (tests/server/test_editor_page.py): headless Chromium and its driver
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
# Ace by DAISY and axe-core (tools/node, installed by `make node-deps`) run on Node.js
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v fc-list >/dev/null 2>&1 || missing="$missing fontconfig"
fc-list 2>/dev/null | grep -qi "DejaVuSerif" || missing="$missing fonts-dejavu-core fonts-dejavu-extra"
# reportlab embeds TrueType outlines only; Noto CJK ships CFF outlines, Droid Sans Fallback is TrueType
fc-list 2>/dev/null | grep -qi "DroidSansFallback" || missing="$missing fonts-droid-fallback"
# the handout's body serif (Noto Serif) and the PDF fallbacks for Hebrew, Arabic, Devanagari
# and Thai; Korean in TrueType (Droid's Hangul is not in the cmap reportlab reads); emoji as
# outlines (Noto Color Emoji is bitmaps, which reportlab cannot embed)
fc-list 2>/dev/null | grep -qi "NotoSerif-Regular" || missing="$missing fonts-noto-core"
fc-list 2>/dev/null | grep -qi "NanumMyeongjo" || missing="$missing fonts-nanum"
fc-list 2>/dev/null | grep -qi "Symbola" || missing="$missing fonts-symbola"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends $missing >/dev/null
else
  echo "system-deps: missing$missing; install them (Debian: apt-get install$missing)" >&2
  exit 1
fi
