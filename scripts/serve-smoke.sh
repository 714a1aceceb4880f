#!/usr/bin/env bash
# The README's first command must stay true: `npm start` (gonogo serve --demo) starts, answers
# on /, /api/v1/health and /api/v1/ready, and stops cleanly on SIGTERM. Run from anywhere after
# `npm ci`; it uses a database in a temporary folder and a free port (PORT=0), and leaves no
# file in the repository. Exit 0 when all of that holds, else 1 with the reason on stderr.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/gonogo-serve-smoke.XXXXXX")"
ready_within=60
stop_within=10
pid=

cleanup() {
  # Whatever is left of npm start's process group (a server that did not stop) is not left running.
  if [ -n "$pid" ]; then kill -KILL -- "-$pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "serve-smoke: $*" >&2
  if [ -s "$work/stderr" ]; then
    echo "serve-smoke: the server's last log lines:" >&2
    tail -n 15 "$work/stderr" >&2
  fi
  exit 1
}

cd "$root" || fail "cannot enter $root"
in_git=false
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  in_git=true
  before="$(git status --porcelain --untracked-files=all)"
fi

# Job control: npm and the server run in a process group of their own, to find the server in
# and to kill whole if it hangs.
set -m
PORT=0 GONOGO_DB="$work/gonogo.db" npm start --silent >"$work/stdout" 2>"$work/stderr" &
pid=$!
set +m

base=
for _ in $(seq 1 $((ready_within * 10))); do
  base="$(sed -n 's|^gonogo listening on \(http://[^ ]*\)$|\1|p' "$work/stdout" | head -n 1)"
  [ -n "$base" ] && break
  kill -0 "$pid" 2>/dev/null || fail "npm start ended before it was ready: $(cat "$work/stdout")"
  sleep 0.1
done
[ -n "$base" ] || fail "no \"gonogo listening on http://…\" line within ${ready_within} s"
echo "serve-smoke: $(head -n 2 "$work/stdout" | paste -sd '|' - | sed 's/|/ | /')"

for path in / /api/v1/health /api/v1/ready; do
  status="$(node -e '
    fetch(process.argv[1], { signal: AbortSignal.timeout(10000) }).then(
      (res) => process.stdout.write(String(res.status)),
      (e) => process.stdout.write(`no answer (${e.message})`),
    );
  ' "$base$path")"
  [ "$status" = 200 ] || fail "GET $base$path answered $status, not 200"
  echo "serve-smoke: GET $path 200"
done

# SIGTERM to the server itself: npm runs it under `sh -c`, which would die of the signal
# without passing it on; the server's exit code comes back through sh and npm.
server="$(ps -eo pid=,pgid=,args= |
  awk -v g="$pid" '$2 == g && $3 ~ /(^|\/)node$/ && /gonogo\.js serve/ { print $1; exit }')"
[ -n "$server" ] || fail "found no gonogo serve process under npm start"
kill -TERM "$server" 2>/dev/null || fail "could not send SIGTERM to the server ($server)"
for _ in $(seq 1 $((stop_within * 10))); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "still running ${stop_within} s after SIGTERM"
wait "$pid"
code=$?
pid=
[ "$code" -eq 0 ] || fail "exited $code after SIGTERM, not 0"

if $in_git && [ "$(git status --porcelain --untracked-files=all)" != "$before" ]; then
  fail "left files in the repository: $(git status --porcelain --untracked-files=all)"
fi
echo "serve-smoke: stopped cleanly on SIGTERM (exit 0)"
