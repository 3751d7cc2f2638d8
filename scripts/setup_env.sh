#!/usr/bin/env bash
# Create .venv and install what BCE Lab needs, including the system libraries Qt loads.
# Usage: scripts/setup_env.sh [EXTRAS]     e.g. scripts/setup_env.sh test
# Idempotent and quick when nothing changed: a stamp records what was installed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
EXTRAS="${1:-}"

say() { printf 'setup: %s\n' "$*" >&2; }
as_root() { [ "$(id -u)" = 0 ]; }
apt_install() {
    if as_root && command -v apt-get >/dev/null 2>&1; then
        say "installing system packages: $*"
        if [ -z "${_APT_UPDATED:-}" ]; then
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
            _APT_UPDATED=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    else
        say "missing system packages; please install them (Debian/Ubuntu names): $*"
        return 1
    fi
}

# 1. A Python 3.11+.
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    say "no $PYTHON found; BCE Lab needs Python 3.11 or newer"; exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    say "$("$PYTHON" --version 2>&1) is too old; BCE Lab needs Python 3.11 or newer (set PYTHON=...)"; exit 1
fi

# 2. The virtual environment.
if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV with $("$PYTHON" --version 2>&1)"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        apt_install python3-venv
        "$PYTHON" -m venv "$VENV"
    fi
fi

# 3. Python packages, re-installed only when pyproject.toml changes.
spec="."
[ -n "$EXTRAS" ] && spec=".[$EXTRAS]"
stamp="$VENV/.installed-$(printf '%s' "$EXTRAS" | tr ',' '-')"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    say "installing Python packages ($spec)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec"
    touch "$stamp"
fi

# 4. System libraries that Qt's libraries and platform plugins link against.
qt_dir="$("$VENV/bin/python" -c 'import os, PySide6; print(os.path.dirname(PySide6.__file__))')"
missing="$(
    for f in "$qt_dir"/QtGui.abi3.so "$qt_dir"/QtWidgets.abi3.so \
             "$qt_dir"/Qt/plugins/platforms/libqoffscreen.so "$qt_dir"/Qt/plugins/platforms/libqxcb.so \
             "$qt_dir"/Qt/lib/libQt6XcbQpa.so.6; do
        [ -e "$f" ] && ldd "$f" 2>/dev/null | awk '/not found/ {print $1}'
    done | sort -u
)"
if [ -n "$missing" ]; then
    declare -A PKG=(
        [libEGL.so.1]=libegl1 [libGL.so.1]=libgl1 [libOpenGL.so.0]=libopengl0 [libGLX.so.0]=libglx0
        [libfontconfig.so.1]=libfontconfig1 [libfreetype.so.6]=libfreetype6
        [libxkbcommon.so.0]=libxkbcommon0 [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
        [libdbus-1.so.3]=libdbus-1-3 [libglib-2.0.so.0]=libglib2.0-0 [libgthread-2.0.so.0]=libglib2.0-0
        [libX11.so.6]=libx11-6 [libX11-xcb.so.1]=libx11-xcb1 [libxcb.so.1]=libxcb1
        [libxcb-cursor.so.0]=libxcb-cursor0 [libxcb-icccm.so.4]=libxcb-icccm4
        [libxcb-keysyms.so.1]=libxcb-keysyms1 [libxcb-image.so.0]=libxcb-image0
        [libxcb-render-util.so.0]=libxcb-render-util0 [libxcb-shape.so.0]=libxcb-shape0
        [libxcb-randr.so.0]=libxcb-randr0 [libxcb-xkb.so.1]=libxcb-xkb1 [libxcb-shm.so.0]=libxcb-shm0
        [libxcb-sync.so.1]=libxcb-sync1 [libxcb-xfixes.so.0]=libxcb-xfixes0
        [libxcb-render.so.0]=libxcb-render0 [libxcb-util.so.1]=libxcb-util1
        [libxcb-xinput.so.0]=libxcb-xinput0 [libxcb-glx.so.0]=libxcb-glx0
        [libSM.so.6]=libsm6 [libICE.so.6]=libice6 [libXrender.so.1]=libxrender1
    )
    pkgs=()
    for lib in $missing; do
        if [ -n "${PKG[$lib]:-}" ]; then pkgs+=("${PKG[$lib]}"); else say "Qt needs $lib (no known package)"; fi
    done
    if [ "${#pkgs[@]}" -gt 0 ]; then
        # shellcheck disable=SC2207
        pkgs=($(printf '%s\n' "${pkgs[@]}" | sort -u))
        apt_install "${pkgs[@]}" || true
    fi
fi
