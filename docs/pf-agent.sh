#!/usr/bin/env bash
# A PF agent for vsriov: the PF miniport's side of the VF reads and writes it answers (the VFs whose
# block source is pf; see docs/walkthroughs.md, "A PF agent answers the VF's reads"). It takes every
# OID request vsriov hands over and completes it:
#   - a read of block CLOCK (default 5) with the time, as ASCII text (2026-12-05T23:59:59Z), cut to
#     the length the VF asked for;
#   - a read of any other block with NDIS_STATUS_INVALID_PARAMETER (a block this PF does not define);
#   - every write with NDIS_STATUS_SUCCESS, printing what the VF wrote.
# It prints one line per request and runs until stopped (Ctrl-C).
#
#   docs/pf-agent.sh [BASE_URL [CLOCK]]     BASE_URL defaults to http://localhost:8080
#
# Needs bash, curl and jq.
set -euo pipefail
base=${1:-http://localhost:8080}
clock=${2:-5}
api=$base/api/v1
command -v jq > /dev/null || { echo "pf-agent: needs jq (apt-get install jq)" >&2; exit 1; }

# Completes one request: POST /pf/oid-requests/{requestId} with a JSON body; prints the outcome.
complete() {
  local id=$1 body=$2 status
  status=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$api/pf/oid-requests/$id" \
    -H 'Content-Type: application/json' -d "$body")
  # 409: the request ended first (it timed out, or its VF was freed or reset); nothing to undo.
  [[ $status == 204 || $status == 409 ]] || echo "pf-agent: completing request $id got $status" >&2
}

tmp=$(mktemp -d)
# Stopped, it stops its poll too, which would otherwise stay parked on the server until its timeout.
trap 'kill $(jobs -p) 2> /dev/null; rm -rf "$tmp"' EXIT
trap 'exit 0' INT TERM
cursor=""
echo "pf-agent: answering the OID requests of $api (reads of block $clock get the time)"
while true; do
  # In the background, so that a signal stops the agent at once rather than after the poll.
  curl -sS -D "$tmp/head" -o "$tmp/body" -w '%{http_code}' \
    "$api/pf/oid-requests?timeout=30s${cursor:+&after=$cursor}" > "$tmp/status" &
  wait $! || { sleep 1; continue; }
  status=$(cat "$tmp/status")
  case $status in
    200 | 204)
      while read -r id oid vf block length hex; do
        if [[ $oid == OID_SRIOV_WRITE_VF_CONFIG_BLOCK ]]; then
          echo "VF $vf wrote block $block: $hex (request $id)"
          complete "$id" '{"status": "NDIS_STATUS_SUCCESS"}'
        elif [[ $block == "$clock" ]]; then
          now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
          data=$(printf '%s' "${now:0:$length}" | od -An -tx1 | tr -d ' \n')
          echo "VF $vf reads block $block: the time, $data (request $id)"
          complete "$id" "{\"status\": \"NDIS_STATUS_SUCCESS\", \"hex\": \"$data\"}"
        else
          echo "VF $vf reads block $block: not defined here (request $id)"
          complete "$id" '{"status": "NDIS_STATUS_INVALID_PARAMETER"}'
        fi
      done < <([[ $status == 204 ]] || jq -r '.requests[] | "\(.requestId) \(.oid) \(.vfId) \(.blockId) \(.length) \(.hex // "")"' "$tmp/body")
      # The answer's cursor, 200 or 204: poll after it next.
      cursor=$(tr -d '\r' < "$tmp/head" | awk -F': ' 'tolower($1) == "vsriov-cursor" { print $2 }') ;;
    410) cursor="" ;;   # a cursor of an earlier run of the service: start again
    *) echo "pf-agent: the poll got $status: $(cat "$tmp/body")" >&2; sleep 1 ;;
  esac
done
