#!/bin/sh
# Reproduces docs/decoder-panel.png (a decoded message with a field selected
# and its bytes highlighted) and docs/decoder-malformed.png (a truncated
# message with its error node): runs the real window under Xvfb with
# `mls-inspector gui --open FILE --select PATH` and takes a screenshot.
#
#   cargo build -p mls-inspector && sh docs/decoder-screenshots.sh [MESSAGE [MALFORMED]]
#
# MESSAGE and MALFORMED are message files (binary, or text holding hex or
# base64); default: the Welcome in assets/examples and its truncated copy.
# Without those, a PrivateMessage built here (and a truncated copy) is used.
# SELECT / MALFORMED_SELECT name the field to select (a path as the tree
# shows it; empty: none).
#
# Needs Xvfb and imagemagick (import); xdotool to park the pointer.
set -eu
cd "$(dirname "$0")/.."

BIN=${BIN:-target/debug/mls-inspector}
XDISPLAY=${XDISPLAY:-:99}
OUT_DIR=${OUT_DIR:-docs}
[ -x "$BIN" ] || { echo "build first: cargo build -p mls-inspector" >&2; exit 1; }

STATE=$(mktemp -d)
XVFB_PID=
APP_PID=
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$STATE"
}
trap cleanup EXIT INT TERM

if [ $# -ge 1 ]; then
    MESSAGE=$1
    SELECT=${SELECT-}
elif [ -f assets/examples/welcome.bin ]; then
    MESSAGE=assets/examples/welcome.bin
    SELECT=${SELECT-welcome.secrets[0].encrypted_group_secrets.ciphertext}
else
    # MLSMessage(PrivateMessage): group "group-1", epoch 7, application,
    # 12 bytes of sender data, 48 bytes of ciphertext.
    MESSAGE=$STATE/private-message.hex
    {
        printf '0001 0002 07%s 0000000000000007 01 00\n' "$(printf 'group-1' | od -An -tx1 | tr -d ' \n')"
        printf '0c'; printf '5e%.0s' 1 2 3 4 5 6 7 8 9 10 11 12; printf '\n'
        printf '30'; i=0; while [ $i -lt 48 ]; do printf 'c1'; i=$((i + 1)); done; printf '\n'
    } >"$MESSAGE"
    SELECT=${SELECT-private_message.epoch}
fi
if [ $# -ge 2 ]; then
    MALFORMED=$2
elif [ $# -lt 1 ] && [ -f assets/examples/malformed-welcome.bin ]; then
    MALFORMED=assets/examples/malformed-welcome.bin
else
    # The message with its last 10 bytes cut off, in the format it is in
    # (as the CLI detects it).
    format=$("$BIN" decode --json "@$MESSAGE" | sed -n 's/^  "format": "\(.*\)",$/\1/p')
    MALFORMED=$STATE/malformed.bin
    case $format in
        hex) tr -d ' \n' <"$MESSAGE" | sed 's/0x//g' | xxd -r -p | head -c -10 >"$MALFORMED" ;;
        base64) tr -d ' \n' <"$MESSAGE" | base64 -d | head -c -10 >"$MALFORMED" ;;
        binary) head -c -10 "$MESSAGE" >"$MALFORMED" ;;
        *) echo "$MESSAGE: cannot read it" >&2; exit 1 ;;
    esac
fi
MALFORMED_SELECT=${MALFORMED_SELECT-}

Xvfb "$XDISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
sleep 2
export DISPLAY="$XDISPLAY"

# shot FILE SELECT OUT: opens FILE (selecting SELECT) in a fresh window and
# saves the window's 1200x800 as OUT.
shot() {
    # A fresh persistence dir, so a remembered window size, tab or panel
    # width cannot change the picture.
    data=$(mktemp -d "$STATE/data.XXXXXX")
    if [ -n "$2" ]; then
        env -u WAYLAND_DISPLAY XDG_DATA_HOME="$data" "$BIN" gui --open "$1" --select "$2" \
            >"$STATE/app.log" 2>&1 &
    else
        env -u WAYLAND_DISPLAY XDG_DATA_HOME="$data" "$BIN" gui --open "$1" \
            >"$STATE/app.log" 2>&1 &
    fi
    APP_PID=$!
    sleep 5
    if grep -q . "$STATE/app.log"; then cat "$STATE/app.log" >&2; fi
    # No window manager under bare Xvfb: the window sits at the top left.
    xdotool mousemove 1270 790 2>/dev/null || true   # keep the pointer off the window
    sleep 1
    import -window root -crop 1200x800+0+0 +repage "$3"
    kill "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=
    echo "wrote $3"
}

shot "$MESSAGE" "$SELECT" "$OUT_DIR/decoder-panel.png"
shot "$MALFORMED" "$MALFORMED_SELECT" "$OUT_DIR/decoder-malformed.png"
