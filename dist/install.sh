#!/bin/sh
# Installs MLS Inspector for the desktop: the binary, its icons, the desktop
# entry and the AppStream metainfo, under a prefix ($HOME/.local by default,
# so no root is needed; e.g. --prefix /usr/local for all users).
#
#   sh dist/install.sh                      build (cargo, release) and install
#   sh dist/install.sh --no-build           install target/release/mls-inspector as built
#   sh dist/install.sh --binary PATH        install that binary (implies --no-build)
#   sh dist/install.sh --prefix DIR         install under DIR instead
#   sh dist/install.sh --uninstall          remove what an install put there
#
# PREFIX in the environment sets the default prefix. The icon and desktop
# caches are refreshed when update-desktop-database / gtk-update-icon-cache
# are installed.
set -eu

NAME=mls-inspector
APPSTREAM_ID=io.github.mls_inspector.MlsInspector

dist=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
root=$(dirname -- "$dist")

prefix=${PREFIX:-${HOME:-}/.local}
build=1
uninstall=0
binary=

die() {
    echo "install.sh: $*" >&2
    exit 1
}

usage() {
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
    case $1 in
        --prefix)
            [ $# -ge 2 ] || die "--prefix needs a directory"
            prefix=$2
            shift 2
            ;;
        --prefix=*)
            prefix=${1#--prefix=}
            shift
            ;;
        --binary)
            [ $# -ge 2 ] || die "--binary needs a path"
            binary=$2
            build=0
            shift 2
            ;;
        --binary=*)
            binary=${1#--binary=}
            build=0
            shift
            ;;
        --no-build)
            build=0
            shift
            ;;
        --uninstall)
            uninstall=1
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage >&2
            die "unknown argument: $1"
            ;;
    esac
done

[ -n "$prefix" ] || die "empty prefix (set HOME or pass --prefix DIR)"
case $prefix in
    /*) ;;
    *) prefix=$(pwd)/$prefix ;;
esac

bin_dest=$prefix/bin/$NAME
svg_dest=$prefix/share/icons/hicolor/scalable/apps/$NAME.svg
png_dest=$prefix/share/icons/hicolor/256x256/apps/$NAME.png
desktop_dest=$prefix/share/applications/$NAME.desktop
metainfo_dest=$prefix/share/metainfo/$APPSTREAM_ID.metainfo.xml

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$prefix/share/applications" ]; then
        update-desktop-database -q "$prefix/share/applications" ||
            echo "install.sh: update-desktop-database failed (ignored)" >&2
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$prefix/share/icons/hicolor" ]; then
        gtk-update-icon-cache -q -t -f "$prefix/share/icons/hicolor" ||
            echo "install.sh: gtk-update-icon-cache failed (ignored)" >&2
    fi
}

if [ "$uninstall" -eq 1 ]; then
    for f in "$bin_dest" "$svg_dest" "$png_dest" "$desktop_dest" "$metainfo_dest"; do
        if [ -e "$f" ]; then
            rm -f -- "$f"
            echo "removed $f"
        fi
    done
    refresh_caches
    exit 0
fi

if [ "$build" -eq 1 ]; then
    command -v cargo >/dev/null 2>&1 || die "cargo not found (install Rust, or pass --binary PATH)"
    echo "building $NAME (cargo build --release -p $NAME)"
    (cd -- "$root" && cargo build --release -p "$NAME")
fi
if [ -z "$binary" ]; then
    binary=${CARGO_TARGET_DIR:-$root/target}/release/$NAME
fi
[ -f "$binary" ] || die "no binary at $binary (build it first, or pass --binary PATH)"

for f in "$root/assets/icon.svg" "$root/assets/icon.png" "$dist/$NAME.desktop" \
    "$dist/$APPSTREAM_ID.metainfo.xml"; do
    [ -f "$f" ] || die "missing $f"
done

# copy SRC DEST MODE
copy() {
    mkdir -p -- "$(dirname -- "$2")"
    cp -- "$1" "$2.tmp.$$"
    chmod "$3" "$2.tmp.$$"
    mv -f -- "$2.tmp.$$" "$2"
    echo "installed $2"
}

copy "$binary" "$bin_dest" 755
copy "$root/assets/icon.svg" "$svg_dest" 644
copy "$root/assets/icon.png" "$png_dest" 644
copy "$dist/$APPSTREAM_ID.metainfo.xml" "$metainfo_dest" 644

# The desktop entry runs `mls-inspector` from PATH; when the prefix's bin
# directory is not on PATH, it names the installed binary instead (quoted;
# left as it is if the path holds characters that would need escaping).
case ":${PATH:-}:" in
    *":$prefix/bin:"*) on_path=1 ;;
    *) on_path=0 ;;
esac
case $bin_dest in
    *[\\\"\`\$\|\&]*) plain=0 ;;
    *) plain=1 ;;
esac
if [ "$on_path" -eq 1 ] || [ "$plain" -eq 0 ]; then
    copy "$dist/$NAME.desktop" "$desktop_dest" 644
    [ "$on_path" -eq 1 ] || echo "install.sh: note: $prefix/bin is not on PATH" >&2
else
    mkdir -p -- "$(dirname -- "$desktop_dest")"
    sed "s|^Exec=$NAME\$|Exec=\"$bin_dest\"|" "$dist/$NAME.desktop" >"$desktop_dest.tmp.$$"
    chmod 644 "$desktop_dest.tmp.$$"
    mv -f -- "$desktop_dest.tmp.$$" "$desktop_dest"
    echo "installed $desktop_dest (Exec names $bin_dest: $prefix/bin is not on PATH)"
fi

refresh_caches
echo "MLS Inspector is installed under $prefix"
