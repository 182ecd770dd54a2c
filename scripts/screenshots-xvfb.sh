#!/usr/bin/env bash
# The real window on a virtual X screen, photographed as a user would see it.
#
#   scripts/screenshots-xvfb.sh [OUT_DIR] [WIDTHxHEIGHT]
#
# Needs (Debian): xvfb libxcb-icccm4 libxcb-keysyms1 imagemagick xdotool.
# Builds a demo vault with the fast test key derivation in a temporary folder,
# starts the program on it, unlocks it by typing, and saves full-screen PNGs.
set -euo pipefail
out=${1:-shots-xvfb}
size=${2:-1366x768}
display=:99
passphrase="screenshots of a quiet harbour"
mkdir -p "$out"
scratch=$(mktemp -d)
trap 'kill "$app" "$xvfb" 2>/dev/null || true; rm -rf "$scratch"' EXIT

Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp &
xvfb=$!
sleep 1
export DISPLAY=$display QT_QPA_PLATFORM=xcb HOME=$scratch/home XDG_CONFIG_HOME=$scratch/config
mkdir -p "$HOME"
echo "$passphrase" | THERAPIST_DESK_TEST_KDF=1 therapist-desk demo --clients 60 --years 3 \
  --data-dir "$scratch/vault" --passphrase-stdin >/dev/null 2>&1

therapist-desk --data-dir "$scratch/vault" &
app=$!
sleep 3
shoot() { /usr/bin/import -window root "$out/$1.png"; echo "$out/$1.png"; }
# There is no window manager to give the window the keyboard back after a page
# changes, so every key sequence starts by focusing it.
keys() { xdotool windowfocus --sync "$window"; xdotool "$@"; }
window=$(xdotool search --sync --name "Therapist Desk" | head -1)
xdotool windowsize "$window" "${size%x*}" "${size#*x}" windowmove "$window" 0 0
sleep 1
shoot 01-locked
keys type --delay 20 "$passphrase"
keys key Return
sleep 3
shoot 02-today
keys key ctrl+k
keys type --delay 40 "walk"
sleep 2
shoot 03-search
keys key Return
sleep 2
shoot 04-note-from-search
keys key ctrl+l
sleep 1
shoot 05-locked-again
