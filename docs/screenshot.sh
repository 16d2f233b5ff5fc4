#!/bin/sh
# Reproduces docs/conformance-panel.png: runs the real window under Xvfb,
# clicks "Check official vectors", selects one file, and takes a screenshot.
#
#   cargo build -p mls-inspector && sh docs/screenshot.sh
#
# Needs Xvfb, xdotool and imagemagick (import, convert). Coordinates are for
# the default 1200x800 window at the top-left of a 1280x800 screen (no window
# manager under bare Xvfb, so no title bar):
#   "Conformance" tab                x=157 y=12
#   "Check official vectors" button  x=207 y=43
#   summary table rows               x=100 y=128 + 25 * row index
set -eu
cd "$(dirname "$0")/.."

BIN=${BIN:-target/debug/mls-inspector}
OUT=${OUT:-docs/conformance-panel.png}
XDISPLAY=${XDISPLAY:-:99}
CHECK_TIMEOUT=${CHECK_TIMEOUT:-180}   # give up waiting for the checks after this many seconds
ROW=${ROW:-3}                  # which file's cases to show (3: message-protection.json)

[ -x "$BIN" ] || { echo "build first: cargo build -p mls-inspector" >&2; exit 1; }

# A fresh persistence dir, so a remembered window size or tab cannot change the picture.
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

env -u WAYLAND_DISPLAY DISPLAY="$XDISPLAY" XDG_DATA_HOME="$STATE" "$BIN" >"$STATE/app.log" 2>&1 &
APP_PID=$!
sleep 5

export DISPLAY="$XDISPLAY"
xdotool mousemove 157 12 click 1                     # the "Conformance" tab (Decoder is the default)
sleep 1
xdotool mousemove 207 43 click 1                     # "Check official vectors"
xdotool mousemove 1240 790
# Wait until the spinner and "Checking …" status (x 340-600, y 33-53) are gone:
# that strip of the top bar is then one flat colour.
waited=0
sleep 2
while :; do
    import -window root -crop 260x20+340+33 +repage "$STATE/status.png"
    flat=$(convert "$STATE/status.png" -format '%[fx:standard_deviation==0]' info:)
    [ "$flat" = 1 ] && break
    waited=$((waited + 1))
    [ "$waited" -ge "$CHECK_TIMEOUT" ] && { echo "checks still running after ${CHECK_TIMEOUT}s" >&2; exit 1; }
    sleep 1
done
xdotool mousemove 100 $((128 + 25 * ROW)) click 1    # select a file
sleep 1
xdotool mousemove 1240 790                           # park the pointer outside the window
sleep 1
import -window root -crop 1200x800+0+0 +repage "$OUT"
echo "wrote $OUT"
