#!/bin/sh
# Checks the Debian package made by `cargo deb` ([package.metadata.deb] in
# app/Cargo.toml) without a release build: it packs the debug binary
# (cargo-deb --no-build --profile dev), prints the control fields
# (dpkg-deb -I) and the file list (dpkg-deb -c), and fails with a message
# when the binary, the desktop entry, an icon or the metainfo is missing,
# when the desktop entry's Icon= names no packaged icon, or when the
# packaged binary does not run. The desktop entry and the metainfo are
# validated too when desktop-file-validate / appstreamcli are installed.
#
#   sh dist/check-deb.sh              cargo build -p mls-inspector (debug), then check
#   sh dist/check-deb.sh --no-build   package target/debug/mls-inspector as it is
#                                     (CI: the binary `cargo test` just built)
#
# The .deb goes to $CARGO_TARGET_DIR/debian-check/ (target/debian-check/).
# Needs cargo-deb (cargo install cargo-deb --locked) and dpkg-deb. The
# package for users is built with `cargo deb -p mls-inspector` (release).
set -eu

NAME=mls-inspector
APPSTREAM_ID=io.github.mls_inspector.MlsInspector

dist=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
root=$(dirname -- "$dist")

die() {
    echo "check-deb.sh: $*" >&2
    exit 1
}

build=1
while [ $# -gt 0 ]; do
    case $1 in
        --no-build)
            build=0
            shift
            ;;
        -h | --help)
            sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

command -v cargo >/dev/null 2>&1 || die "cargo not found"
command -v cargo-deb >/dev/null 2>&1 ||
    die "cargo-deb not found (install it: cargo install cargo-deb --locked)"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found (it comes with dpkg)"

cd -- "$root"
target=${CARGO_TARGET_DIR:-$root/target}
case $target in
    /*) ;;
    *) target=$root/$target ;;
esac

if [ "$build" -eq 1 ]; then
    echo "building $NAME (cargo build -p $NAME --locked, debug)"
    cargo build -p "$NAME" --locked
fi
[ -x "$target/debug/$NAME" ] ||
    die "no binary at $target/debug/$NAME (run without --no-build, or cargo build -p $NAME)"

out=$target/debian-check
mkdir -p -- "$out"
rm -f -- "$out"/*.deb

# --profile dev packs target/debug/; cargo-deb warns that it is meant for
# release builds, which is what this check avoids. --fast: gzip, not xz.
echo "packaging (cargo deb -p $NAME --no-build --profile dev)"
cargo deb -p "$NAME" --no-build --profile dev --fast --no-dbgsym --locked -o "$out/" >/dev/null

set -- "$out"/*.deb
[ $# -eq 1 ] && [ -f "$1" ] || die "expected one .deb in $out, found: $*"
deb=$1
echo "built $deb"

echo "== dpkg-deb -I $(basename -- "$deb")"
dpkg-deb -I "$deb"

echo "== dpkg-deb -c $(basename -- "$deb")"
listing=$(dpkg-deb -c "$deb")
echo "$listing"

# The paths (last column) and the mode of each file.
paths=$(echo "$listing" | awk '{ print $NF }')
has() {
    echo "$paths" | grep -qxF "./$1"
}

missing=0
need() {
    if has "$2"; then
        echo "ok: $1 /$2"
    else
        echo "check-deb.sh: MISSING $1: /$2 is not in the package" >&2
        missing=1
    fi
}
need "binary" "usr/bin/$NAME"
need "desktop entry" "usr/share/applications/$NAME.desktop"
need "metainfo" "usr/share/metainfo/$APPSTREAM_ID.metainfo.xml"
need "icon (SVG)" "usr/share/icons/hicolor/scalable/apps/$NAME.svg"
need "icon (PNG)" "usr/share/icons/hicolor/256x256/apps/$NAME.png"
[ "$missing" -eq 0 ] || die "the package lacks files listed above"

echo "$listing" | awk -v p="./usr/bin/$NAME" '$NF == p { print $1 }' | grep -q '^-rwxr-xr-x$' ||
    die "/usr/bin/$NAME is not mode 755 in the package"

# Unpack, then check what the files say about each other.
unpacked=$(mktemp -d)
trap 'rm -rf -- "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
desktop=$unpacked/usr/share/applications/$NAME.desktop
metainfo=$unpacked/usr/share/metainfo/$APPSTREAM_ID.metainfo.xml

icon=$(sed -n 's/^Icon=//p' "$desktop")
[ -n "$icon" ] || die "the desktop entry has no Icon= line"
found_icon=0
for f in $(echo "$paths" | grep '^\./usr/share/icons/hicolor/'); do
    case $(basename -- "$f") in
        "$icon".svg | "$icon".png) found_icon=1 ;;
    esac
done
[ "$found_icon" -eq 1 ] ||
    die "the desktop entry's Icon=$icon names no icon in /usr/share/icons/hicolor/"
echo "ok: Icon=$icon is packaged"

exec_name=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
[ "$exec_name" = "$NAME" ] || die "the desktop entry runs '$exec_name', not $NAME"
grep -qF "<launchable type=\"desktop-id\">$NAME.desktop</launchable>" "$metainfo" ||
    die "the metainfo does not name $NAME.desktop as its launchable"
echo "ok: Exec=$exec_name, metainfo launchable $NAME.desktop"

version=$("$unpacked/usr/bin/$NAME" --version) ||
    die "the packaged /usr/bin/$NAME does not run (--version failed)"
echo "ok: packaged binary runs: $version"

if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$desktop" || die "desktop-file-validate rejects the desktop entry"
    echo "ok: desktop-file-validate"
else
    echo "skipped: desktop-file-validate is not installed (desktop-file-utils)"
fi
if command -v appstreamcli >/dev/null 2>&1; then
    appstreamcli validate --no-net "$metainfo" || die "appstreamcli rejects the metainfo"
    echo "ok: appstreamcli validate"
else
    echo "skipped: appstreamcli is not installed"
fi

echo "check-deb.sh: $(basename -- "$deb") holds the binary, the desktop entry, the icons and the metainfo"
