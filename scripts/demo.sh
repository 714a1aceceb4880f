#!/usr/bin/env bash
# A whole release on the embedded SQLite database, in a throw-away git repository:
# import a Markdown checklist, start a release, tick items, sign, decide, deploy, audit.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gonogo() { echo "\$ gonogo $*" >&2; node "$repo/dist/gonogo.js" "$@"; }

cd "$work"
# A small project ready for its 1.0.0: a test script, the version, a changelog section.
cat > package.json <<'JSON'
{ "name": "demo-app", "version": "1.0.0", "scripts": { "test": "node -e \"console.log('12 tests passed')\"" } }
JSON
printf '# Changelog\n\n## [1.0.0] - %s\n\n### Added\n\n- The first release.\n' "$(date +%F)" > CHANGELOG.md
printf '.gonogo/\n' > .gitignore
git init -q && git add -A && git -c user.email=demo@example.com -c user.name=Demo commit -q -m "release candidate"
export GONOGO_USER=ana@example.com

gonogo init --from "$repo/examples/release-checklist.md"
gonogo playbook show | head -n 12
gonogo release start 1.0.0 --type minor
gonogo status || true
# The machine verifies what it can: tests, changelog, version, secrets.
gonogo check
# People tick the rest before the gate (numbers from the JSON view).
before_gate=$(node "$repo/dist/gonogo.js" release show --json | node -e '
  const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const gate = v.playbook.phases.findIndex((p) => p.gate);
  const before = new Set(v.playbook.phases.slice(0, gate).map((p) => p.id));
  console.log(v.items.filter((i) => before.has(i.phase) && i.kind === "manual").map((i) => i.number).join(" "));')
gonogo item done $before_gate
gonogo decide || true
gonogo sign qa-lead go --comment "regression suite green"
gonogo sign product-owner go
gonogo decide
gonogo deploy staging
gonogo deploy production
gonogo env
# After the deployment: tick what is left; the release finishes by itself.
after_deploy=$(node "$repo/dist/gonogo.js" release show --json | node -e '
  const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(v.items.filter((i) => i.state === "pending").map((i) => i.number).join(" "));')
gonogo item done $after_deploy
gonogo status 1.0.0
gonogo export --format md 1.0.0 | head -n 16
gonogo audit verify
echo "demo finished: a release ran end to end on $(ls .gonogo/gonogo.db)" >&2
