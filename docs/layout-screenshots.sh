#!/bin/sh
# Reproduces the screenshots of issue 14 at three window sizes:
#   docs/decoder-decrypted-1280.png, docs/decoder-decrypted-800.png  (the
#     Decoder reading Bob's PrivateMessage with Alice's group launch-chat)
#   docs/groups-overview-1920.png      (project-falcon, staged commit)
#   docs/tree-251-members-1920.png, docs/tree-find-member-1920.png
#   docs/staged-preview-1280.png, docs/groups-actions-800.png
#
#   sh docs/layout-screenshots.sh
#
# Uses BIN (default target/debug/mls-inspector) and DEMO_BIN (default
# target/debug/examples/demo_workspace); builds them if missing. Needs Xvfb,
# xdotool and imagemagick. The screen is 1920x1080 without a window
# manager; the window is resized with xdotool, so the coordinates below are
# for its top-left corner at 0,0.
set -eu
cd "$(dirname "$0")/.."

BIN=${BIN:-target/debug/mls-inspector}
DEMO_BIN=${DEMO_BIN:-target/debug/examples/demo_workspace}
XDISPLAY=${XDISPLAY:-:98}
OUT_DIR=${OUT_DIR:-docs}
if [ ! -x "$BIN" ] || [ ! -x "$DEMO_BIN" ]; then
    cargo build -p mls-inspector --bin mls-inspector --example demo_workspace
fi

STATE=$(mktemp -d)
XVFB_PID=
APP_PID=
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$STATE"
}
trap cleanup EXIT INT TERM

DEMO="$STATE/demo.sqlite"
BOB="$STATE/bob.sqlite"
MANY="$STATE/many.sqlite"
"$DEMO_BIN" "$DEMO" >/dev/null
# launch-chat: Alice (demo workspace) and Bob (his own); Bob writes.
"$BIN" identity new bob --db "$BOB" >/dev/null
"$BIN" keypackage new --db "$BOB" --identity bob --out "$STATE/bob-kp.mls" >/dev/null
"$BIN" group create --db "$DEMO" --identity alice --name launch-chat >/dev/null
"$BIN" group add --db "$DEMO" launch-chat "$STATE/bob-kp.mls" \
    --welcome-out "$STATE/welcome.mls" --apply >/dev/null
"$BIN" group join --db "$BOB" "$STATE/welcome.mls" >/dev/null
"$BIN" group send --db "$BOB" '#1' "Launch moved to Tuesday 09:00 UTC" \
    --out "$STATE/bob-message.mls" >/dev/null
# all-hands: 250 members added in one commit.
mkdir -p "$STATE/kps"
for i in $(seq 1 250); do
    "$BIN" identity new "m$i" --db "$MANY" >/dev/null
    "$BIN" keypackage new --db "$MANY" --identity "m$i" --out "$STATE/kps/kp$i.mls" >/dev/null
done
"$BIN" group create --db "$DEMO" --identity alice --name all-hands >/dev/null
"$BIN" group add --db "$DEMO" all-hands "$STATE"/kps/*.mls --apply >/dev/null

Xvfb "$XDISPLAY" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
sleep 2
export DISPLAY="$XDISPLAY"
mkdir -p "$STATE/data"
env -u WAYLAND_DISPLAY XDG_DATA_HOME="$STATE/data" XDG_CONFIG_HOME="$STATE/data" \
    "$BIN" gui --db "$DEMO" --open "$STATE/bob-message.mls" >"$STATE/app.log" 2>&1 &
APP_PID=$!
sleep 6
WID=$(xdotool search --name "MLS" | head -n 1)
xdotool windowfocus "$WID"

click() {
    xdotool mousemove "$1" "$2" click 1
    sleep "${3:-1}"
}
size() {
    xdotool windowsize "$WID" "$1" "$2"
    sleep 2
}
shot() {
    xdotool mousemove "$2" "$3"
    sleep 1
    import -window root -crop "$4+0+0" "$OUT_DIR/$1"
}

size 1280 800
click 826 43                         # the Group selector
click 840 254 3                      # #8 launch-chat
shot decoder-decrypted-1280.png 1100 700 1280x800
size 800 600
shot decoder-decrypted-800.png 400 592 800x600
size 1920 1080
click 228 12 2                       # "Groups"
click 54 98 3                        # project-falcon
shot groups-overview-1920.png 1000 1070 1920x1080
click 71 650 3                       # all-hands (the last of the list)
click 439 67 4                       # "Ratchet tree"
shot tree-251-members-1920.png 1000 1070 1920x1080
click 758 116                        # "Find member"
xdotool type --delay 80 "m137"
xdotool key Return
sleep 3
shot tree-find-member-1920.png 1000 1070 1920x1080
size 1280 800
click 54 98 3                        # project-falcon
click 733 67 3                       # "Staged commit"
shot staged-preview-1280.png 640 795 1280x800
size 800 600
click 351 67 2                       # "Overview"
click 438 134 2                      # "Actions" (narrow overview)
shot groups-actions-800.png 400 592 800x600
echo "screenshots written to $OUT_DIR"
