#!/bin/sh
# Checks the system clipboard both ways in a real window under Xvfb (issue
# 14, item 1): "Copy body (hex)" in the Decoder reaches other applications
# (read back with `xclip -o`), and text put on the clipboard by another
# application (`xclip -i`) is pasted with Ctrl+V into the Decoder's input
# (read back by selecting it and copying it out again).
#
#   sh docs/clipboard-check.sh        # exit 0: both ways work
#
# Needs Xvfb, xdotool and xclip (installed with apt-get when missing and
# running as root). Uses BIN (default target/debug/mls-inspector).
set -eu
cd "$(dirname "$0")/.."

BIN=${BIN:-target/debug/mls-inspector}
XDISPLAY=${XDISPLAY:-:96}
[ -x "$BIN" ] || cargo build -p mls-inspector --bin mls-inspector
for tool in Xvfb xdotool xclip; do
    if ! command -v "$tool" >/dev/null; then
        [ "$(id -u)" = 0 ] || { echo "clipboard-check: $tool is missing" >&2; exit 2; }
        case $tool in Xvfb) pkg=xvfb ;; *) pkg=$tool ;; esac
        apt-get install -y "$pkg" >/dev/null
    fi
done

STATE=$(mktemp -d)
XVFB_PID=
APP_PID=
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$STATE"
}
trap cleanup EXIT INT TERM

Xvfb "$XDISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
sleep 2
export DISPLAY="$XDISPLAY"
MESSAGE=assets/examples/commit-public.bin
mkdir -p "$STATE/data"
env -u WAYLAND_DISPLAY XDG_DATA_HOME="$STATE/data" XDG_CONFIG_HOME="$STATE/data" \
    "$BIN" gui --db "$STATE/ws.sqlite" --open "$MESSAGE" >"$STATE/app.log" 2>&1 &
APP_PID=$!
sleep 6
WID=$(xdotool search --name "MLS" | head -n 1)
xdotool windowsize "$WID" 1280 800
xdotool windowfocus "$WID"
sleep 2

fail=0
# 1. Copy: "Copy body (hex)" (the Interop row of a PublicMessage) copies
#    the PublicMessage body: the MLSMessage after its 4-byte header.
expected=$(od -An -v -tx1 -j4 "$MESSAGE" | tr -d ' \n')
xdotool mousemove 113 216 click 1
sleep 1
copied=$(xclip -o -selection clipboard 2>/dev/null || true)
if [ "$copied" = "$expected" ]; then
    echo "copy:  ok (${#copied} hex characters reached xclip)"
else
    echo "copy:  FAILED: xclip read '${copied}'" >&2
    fail=1
fi

# 2. Paste: another application's text, Ctrl+V into the input box.
pasted=$(od -An -v -tx1 assets/examples/key-package.bin | tr -d ' \n')
printf '%s' "$pasted" | xclip -i -selection clipboard
sleep 1
xdotool mousemove 640 80 click 1
sleep 0.5
xdotool key ctrl+v
sleep 2
# Replace the clipboard, then copy the box's text out again.
printf 'something else' | xclip -i -selection clipboard
xdotool mousemove 640 80 click 1
xdotool key ctrl+a ctrl+c
sleep 1
back=$(xclip -o -selection clipboard 2>/dev/null || true)
if [ "$back" = "$pasted" ]; then
    echo "paste: ok (${#back} hex characters pasted into the Decoder)"
else
    echo "paste: FAILED: the input box held '${back}'" >&2
    fail=1
fi
exit $fail
