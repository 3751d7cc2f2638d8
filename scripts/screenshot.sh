#!/usr/bin/env bash
# Take a screenshot of the real window under Xvfb (X11 via the xcb platform plugin, no offscreen).
# Needs Debian's xvfb, x11-utils and imagemagick.  Usage: scripts/screenshot.sh OUT.png [app args]
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "$1")"; shift || true
export XDG_CONFIG_HOME="$(mktemp -d)"   # fresh settings: the default layout
inner="$(mktemp)"
cat > "$inner" <<'INNER'
set -u
out="$1"; shift
.venv/bin/python main.py "$@" &
pid=$!
wid=""
for _ in $(seq 1 60); do
    wid=$(xwininfo -root -tree 2>/dev/null | grep ' BCE Lab": ("' | head -n1 | awk '{print $1}')
    [ -n "$wid" ] && break
    sleep 0.5
done
sleep 2
import -window "${wid:-root}" "$out"
kill "$pid"; wait "$pid" || true
INNER
xvfb-run -a -s "-screen 0 1600x960x24" bash "$inner" "$out" "$@"
rm -f "$inner"
echo "wrote $out"
