#!/usr/bin/env bash
# The compiled CLI as a user runs it (users run dist/, the tests run the sources): serve on a fresh
# embedded directory, /health, a credit with the printed owner key, verify. `npm run smoke`.
set -euo pipefail
cd "$(dirname "$0")/.."
test -f dist/cli/main.js || { echo "smoke: dist/ is missing; run npm run build" >&2; exit 1; }
data="$(mktemp -d)"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
export JIFEN_BOOTSTRAP_KEY="jf_smoke_$(node -e 'console.log(require("crypto").randomBytes(16).toString("hex"))')"
log="$data/serve.log"
started=$(date +%s%N)
node bin/jifen.js serve --data "$data/db" --port "$port" --log-level warn >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "smoke: serve exited"; cat "$log"; exit 1; }
  [ $(( ($(date +%s%N) - started) / 1000000 )) -lt 60000 ] || { echo "smoke: no /health in 60 s"; cat "$log"; exit 1; }
  sleep 0.05
done
echo "smoke: /health after $(( ($(date +%s%N) - started) / 1000000 )) ms"
auth="Authorization: Bearer $JIFEN_BOOTSTRAP_KEY"
curl -sf -X PUT -H "$auth" -H 'content-type: application/json' -d '{}' "http://127.0.0.1:$port/v1/members/smoke" >/dev/null
answer="$(curl -sf -X POST -H "$auth" -H 'content-type: application/json' -d '{"points":120,"reason":"smoke"}' "http://127.0.0.1:$port/v1/members/smoke/credits")"
node -e 'const a = JSON.parse(process.argv[1]); if (a.entries?.[0]?.balancesAfter?.available !== 120) { console.error("smoke: unexpected credit answer", a); process.exit(1); }' "$answer"
kill -TERM "$pid"; wait "$pid"
node bin/jifen.js verify --data "$data/db"
echo "smoke: the built CLI served, credited and verified"
