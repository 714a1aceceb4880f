#!/usr/bin/env bash
# gonogo checks gonogo: start a throw-away release of the package's version on a temporary
# database and run the pre-release checks of gonogo.yaml on this repository.
set -uo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export GONOGO_DB="$tmp/dogfood.db" GONOGO_USER="${GONOGO_USER:-ci@gonogo.invalid}"
version="$(node -p 'require("./package.json").version')"
node dist/gonogo.js release start "$version" --type minor >/dev/null || exit 2
node dist/gonogo.js check --phase pre-release --junit "${GONOGO_JUNIT:-$tmp/junit.xml}"
