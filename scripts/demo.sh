#!/usr/bin/env bash
# A whole release on the embedded SQLite database, in a throw-away git repository:
# import a Markdown checklist, start a release, tick items, sign, decide, deploy, audit.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gonogo() { echo "\$ gonogo $*" >&2; node "$repo/dist/gonogo.js" "$@"; }

cd "$work"
git init -q && git -c user.email=demo@example.com -c user.name=Demo commit -q --allow-empty -m "release candidate"
export GONOGO_USER=ana@example.com

gonogo init --from "$repo/examples/release-checklist.md"
gonogo playbook show | head -n 12
gonogo release start 1.0.0 --type minor
gonogo status || true
# Tick every manual item before the gate (numbers from the JSON view).
for n in $(node "$repo/dist/gonogo.js" release show --json | node -e '
  const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const gate = v.playbook.phases.findIndex((p) => p.gate);
  const before = new Set(v.playbook.phases.slice(0, gate).map((p) => p.id));
  console.log(v.items.filter((i) => before.has(i.phase) && i.kind !== "sign").map((i) => i.number).join(" "));'); do
  gonogo item done "$n" >/dev/null
done
gonogo decide || true
gonogo sign qa-lead go --comment "regression suite green"
gonogo sign product-owner go
gonogo decide
gonogo deploy staging
gonogo deploy production
gonogo env
# After the deployment: tick what is left; the release finishes by itself.
for n in $(node "$repo/dist/gonogo.js" release show --json | node -e '
  const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(v.items.filter((i) => i.state === "pending").map((i) => i.number).join(" "));'); do
  gonogo item done "$n" >/dev/null
done
gonogo status 1.0.0
gonogo export --format md 1.0.0 | head -n 16
gonogo audit verify
echo "demo finished: a release ran end to end on $(ls .gonogo/gonogo.db)" >&2
