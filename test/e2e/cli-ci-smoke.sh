#!/usr/bin/env bash
# CI smoke test for a Pro-Pitbox webhook receiver, on the embedded emulator (no account, no network).
# The README's "CI smoke test" recipe; test/e2e/cli-ci-smoke.test.ts runs this very file.
#
#   APP_CMD="node server.js" APP_URL=http://127.0.0.1:3000/webhooks/pro-pitbox ./ci-smoke.sh
#
# APP_CMD is started with WEBHOOK_SECRET set to the endpoint's signing secret.
set -euo pipefail

PROPITBOX="${PROPITBOX:-npx --no-install propitbox}"
APP_CMD="${APP_CMD:?set APP_CMD to the command that starts your app}"
APP_URL="${APP_URL:-http://127.0.0.1:3000/webhooks/pro-pitbox}"
PORT="${PROPITBOX_PORT:-4480}"
export PROPITBOX_API_KEY="${PROPITBOX_API_KEY:-ppk_test_ci_smoke_0123456789}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Read one field of JSON on stdin: json .events.0.id
json() { node -e 'let v=JSON.parse(require("fs").readFileSync(0,"utf8"));for(const k of process.argv[1].split(".").filter(Boolean))v=v?.[k];console.log(typeof v==="string"?v:JSON.stringify(v))' "$1"; }

# 1. Start the emulator headless; it prints one JSON ready line once the port accepts requests.
#    A fresh data dir every run: the default one keeps the endpoints (and their secrets) of earlier runs,
#    which would each get the event too, signed with a secret this run's app does not know.
$PROPITBOX dev --headless --json --port "$PORT" --api-key "$PROPITBOX_API_KEY" --data-dir "$WORK/emulator" > "$WORK/dev.out" &
PIDS+=($!)
for _ in $(seq 1 150); do grep -q '"ready":true' "$WORK/dev.out" && break; sleep 0.2; done
export PROPITBOX_API_URL="$(grep '"ready":true' "$WORK/dev.out" | head -1 | json .url)"
echo "emulator at $PROPITBOX_API_URL"

# 2. Register the app's endpoint; the signing secret is printed only here.
SECRET="$($PROPITBOX webhooks create --url "$APP_URL" --events '*' --description "CI smoke" --json | json .secret)"

# 3. Start the app with that secret and wait until it accepts connections.
WEBHOOK_SECRET="$SECRET" $APP_CMD &
PIDS+=($!)
for _ in $(seq 1 150); do curl -s -o /dev/null -X POST --max-time 2 "$APP_URL" && break; sleep 0.2; done

# 4. Send a test event through the emulator and wait for the delivery (exit 1 if the app did not answer 2xx).
EVT="$($PROPITBOX trigger maintenance.task.created --wait --timeout 60s --json | json .events.0.id)"

# 5. Assert on the event log.
STATUS="$($PROPITBOX deliveries list --event "$EVT" --json | json .data.0.status)"
[ "$STATUS" = succeeded ] || { echo "delivery of $EVT is $STATUS" >&2; exit 1; }

# 6. Without any server: sign and POST straight to the app (exit 0 only on 2xx).
$PROPITBOX trigger parts.inventory.low --forward-to "$APP_URL" --secret "$SECRET"

echo "CI smoke test passed ($EVT delivered)"
