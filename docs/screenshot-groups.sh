#!/bin/sh
# Reproduces the group manager screenshots: docs/groups-list.png (the group
# list and a group's overview), docs/tree-view.png (its ratchet tree with a
# node selected), docs/epoch-timeline.png (the history with one epoch's tree)
# docs/staged-preview.png (an incoming commit waiting for Apply/Discard),
# docs/groups-x509-external.png (X.509 members, an external sender and its
# pending proposal), docs/competing-commits.png (two commits for one epoch
# and the orchestrator's choice), docs/reinit-closed.png (a group closed by
# a ReInit) and docs/x509-identity.png (an X.509 identity issued from the
# demo's local CA in the Key packages tab).
#
#   sh docs/screenshot-groups.sh
#
# Builds the release binary and the demo_workspace example if missing
# (cargo build --release -p mls-inspector --bin mls-inspector --example
# demo_workspace), makes a demo workspace (a 12-member group over six
# epochs with a staged incoming commit, an X.509 group with an external
# sender, competing commits, a re-initialised group; see
# app/examples/demo_workspace.rs),
# runs `mls-inspector gui --db DEMO` under Xvfb and clicks through it with
# xdotool. Needs Xvfb, xdotool and imagemagick (import).
#
# Coordinates are for the default 1200x800 window at the top-left of a
# 1280x800 screen (no window manager under bare Xvfb, so no title bar):
#   "Groups" tab                         x=228 y=12
#   groups of the list (69 px apart)     x=54  y=98 (project-falcon),
#     305 (secure-ops), 374 (standup), 443 (legacy-chat)
#   group views without the banner: "Overview" x=351 y=67
#   group views (the tabs stay at y=67; the staged-commit banner is below them):
#     "Ratchet tree" x=439, "Epoch timeline" x=541, "Staged commit" x=733
#   timeline row of epoch 4 (newest first) y=187
#   bob's leaf in the tree view          x=401 y=552
#   quentin's "X.509 ✔" mark (overview)  x=433 y=412
#   "Key packages" tab                   x=300 y=12
#   its "X.509 identity" header          x=60  y=190; then Name x=120 y=67,
#     "CA certificate" box y=370, "CA private key" box y=408 (x=468),
#     "Issue X.509 identity" x=420 y=437
set -eu
cd "$(dirname "$0")/.."

BIN=${BIN:-target/release/mls-inspector}
DEMO_BIN=${DEMO_BIN:-target/release/examples/demo_workspace}
XDISPLAY=${XDISPLAY:-:99}
OUT_DIR=${OUT_DIR:-docs}

if [ ! -x "$BIN" ] || [ ! -x "$DEMO_BIN" ]; then
    cargo build --release -p mls-inspector --bin mls-inspector --example demo_workspace
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

"$DEMO_BIN" "$STATE/demo.sqlite"

Xvfb "$XDISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
sleep 2
export DISPLAY="$XDISPLAY"

# A fresh persistence dir, so a remembered window size, tab or group cannot
# change the pictures.
mkdir -p "$STATE/data"
env -u WAYLAND_DISPLAY XDG_DATA_HOME="$STATE/data" "$BIN" gui --db "$STATE/demo.sqlite" \
    >"$STATE/app.log" 2>&1 &
APP_PID=$!
sleep 5

click() {
    xdotool mousemove "$1" "$2" click 1
    sleep "${3:-1}"
}

# The picture as it is (the pointer where it is, e.g. for a tooltip).
shot_here() {
    sleep 1
    import -window root -crop 1200x800+0+0 +repage "$OUT_DIR/$1"
    echo "wrote $OUT_DIR/$1"
}

shot() {
    xdotool mousemove 1240 790      # park the pointer outside the window
    shot_here "$1"
}

# Typing needs the keyboard focus, which no window manager gives.
type_at() {
    click "$1" "$2" 0.5
    xdotool type --delay 60 "$3"
    sleep 0.5
}

click 228 12                          # the "Groups" tab
click 54 98 2                         # project-falcon: loads in the background
shot groups-list.png

click 439 67                          # "Ratchet tree"
click 401 552                         # select bob's leaf: its keys and hashes below
shot tree-view.png

click 541 67                          # "Epoch timeline"
click 700 187 2                       # epoch 4 (Bob's update): its tree, changes ringed
shot epoch-timeline.png

click 733 67                          # "Staged commit"
shot staged-preview.png

click 45 305 2                        # secure-ops (no staged commit: no banner)
click 351 67                          # "Overview"
xdotool mousemove 433 412             # hover quentin's X.509 mark: its certificate
shot_here groups-x509-external.png

click 37 374 2                        # standup: two commits for epoch 1
click 733 67                          # "Staged commit" (under the banner)
shot competing-commits.png

click 46 443 2                        # legacy-chat, closed by a ReInit
click 351 67                          # "Overview"
shot reinit-closed.png

click 300 12                          # "Key packages"
click 60 190                          # open "X.509 identity"
xdotool windowfocus --sync "$(xdotool search --name 'MLS Inspector' | head -n 1)"
type_at 120 67 dana                   # the Name
type_at 468 370 "$STATE/demo.ca.pem"  # the demo's local CA
type_at 468 408 "$STATE/demo.ca-key.pem"
click 420 437 3                       # "Issue X.509 identity"
shot x509-identity.png

if ! kill -0 "$APP_PID" 2>/dev/null; then
    echo "the app exited early:" >&2
    cat "$STATE/app.log" >&2
    exit 1
fi
