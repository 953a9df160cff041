#!/usr/bin/env bash
# Builds fluxloop in release mode and copies the binary to ${PREFIX:-$HOME/.local}/bin.
# Usage: scripts/install.sh            (PREFIX=/usr/local scripts/install.sh for a system-wide install)
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${PREFIX:-$HOME/.local}"
bin="$prefix/bin"

if ! pkg-config --exists sqlite3 2>/dev/null; then
    echo "fluxloop needs the SQLite headers: apt-get install libsqlite3-dev pkg-config (or brew install sqlite)" >&2
    exit 1
fi

echo "Building fluxloop (release)..."
swift build -c release --product fluxloop
built="$(swift build -c release --show-bin-path)/fluxloop"

mkdir -p "$bin"
# Copy beside the target, then rename: a running fluxloop is never half-overwritten.
cp "$built" "$bin/.fluxloop.new"
chmod 755 "$bin/.fluxloop.new"
mv -f "$bin/.fluxloop.new" "$bin/fluxloop"
echo "Installed $("$bin/fluxloop" --version | head -n 1) as $bin/fluxloop"

case ":$PATH:" in
    *":$bin:"*) ;;
    *)
        echo
        echo "$bin is not on your PATH. Add it, e.g. for bash:"
        echo "  echo 'export PATH=\"$bin:\$PATH\"' >> ~/.bashrc && source ~/.bashrc"
        ;;
esac
echo
echo "Shell completions (bash): fluxloop --generate-completion-script bash > ~/.local/share/bash-completion/completions/fluxloop"
