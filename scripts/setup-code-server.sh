#!/usr/bin/env bash
# Installs code-server 4.96.4 (VS Code 1.96.4 on Node 20) from the npm registry without any
# other download, for the real-VS-Code end-to-end suite (test/e2e). VS Code desktop, Electron
# and the VS Code web build cannot be downloaded on these machines; code-server from npm can,
# once its postinstall (which fetches from GitHub) is replayed by hand.
# See ../shared/notes/real-vscode-e2e.md for why each step is needed.
#
# The install is cached outside the repo (it is ~330 MB and must never be committed):
#   ${LENET_E2E_CACHE:-$HOME/.cache/lenet-lab-e2e}/code-server-4.96.4
# A marker file is written last, so a re-run after success returns at once and a re-run after
# a failure starts over cleanly.
# Needs Debian packages: chromium ripgrep libkrb5-dev (installed by .ci/run).
# Prints the path of code-server's entry script on its last line of stdout.
set -euo pipefail

VERSION=4.96.4
CACHE="${LENET_E2E_CACHE:-$HOME/.cache/lenet-lab-e2e}"
DEST="$CACHE/code-server-$VERSION"
MARKER="$DEST/.lenet-install-complete"
CS="$DEST/node_modules/code-server"
ENTRY="$CS/out/node/entry.js"

if [ -f "$MARKER" ] && [ -f "$ENTRY" ]; then
  echo "$ENTRY"
  exit 0
fi

log() { echo "[setup-code-server] $*" >&2; }
die() { echo "[setup-code-server] error: $*" >&2; exit 1; }

for cmd in node npm; do command -v "$cmd" >/dev/null || die "'$cmd' is not on PATH"; done
[ -x /usr/bin/rg ] || die "/usr/bin/rg is missing: apt-get install ripgrep (code-server's search needs it; its own download needs GitHub)"
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || \
  die "Kerberos headers are missing: apt-get install libkrb5-dev (code-server's kerberos addon is built from source)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || log "warning: code-server $VERSION is built for Node 20, this is Node $node_major"

start=$(date +%s)
rm -rf "$DEST"
mkdir -p "$DEST"
cd "$DEST"
echo '{"name":"lenet-lab-e2e-code-server","private":true}' > package.json

NPM_QUIET=(--no-audit --no-fund --loglevel=error)

log "1/7 npm install code-server@$VERSION --ignore-scripts"
npm install "code-server@$VERSION" --ignore-scripts "${NPM_QUIET[@]}" >&2

log "2/7 npm rebuild argon2 (source build against the local Node headers)"
npm rebuild argon2 "${NPM_QUIET[@]}" >&2

cd "$CS/lib/vscode"
log "3/7 shrinkwrap: @vscode/proxy-agent from the registry tarball instead of a GitHub commit"
# The pinned git commit and the registry tarball 0.27.0 have the same integrity hash.
node - <<'EOF'
const fs = require('fs');
const f = 'npm-shrinkwrap.json';
const j = JSON.parse(fs.readFileSync(f, 'utf8'));
const e = j.packages && j.packages['node_modules/@vscode/proxy-agent'];
if (!e) throw new Error(`${f}: no node_modules/@vscode/proxy-agent entry`);
e.resolved = `https://registry.npmjs.org/@vscode/proxy-agent/-/proxy-agent-${e.version}.tgz`;
fs.writeFileSync(f, JSON.stringify(j, null, 2) + '\n');
EOF

log "4/7 npm install --omit=dev --ignore-scripts in lib/vscode"
npm install --omit=dev --ignore-scripts "${NPM_QUIET[@]}" >&2

log "5/7 link Debian's rg into @vscode/ripgrep, npm rebuild (native addons)"
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
npm rebuild "${NPM_QUIET[@]}" >&2

log "6/7 the postinstall's links"
ln -sfn node_modules node_modules.asar
[ -e bin/remote-cli/code-linux.sh ] && ln -sf code-linux.sh bin/remote-cli/code-server
[ -e bin/helpers/browser-linux.sh ] && ln -sf browser-linux.sh bin/helpers/browser.sh

log "7/7 built-in extensions' dependencies"
(cd extensions && npm install --omit=dev "${NPM_QUIET[@]}" >&2)

[ -f "$ENTRY" ] || die "install finished but $ENTRY is missing"
touch "$MARKER"
log "done in $(( $(date +%s) - start )) s: $DEST ($(du -sh "$DEST" | cut -f1))"
echo "$ENTRY"
