#!/usr/bin/env bash
# Smoke test of the CAP OData server: starts it on a free port, checks the
# behaviour documented in README.md with curl, stops it.
# Needs: npm ci --prefix e2e/cap done first; curl; python3.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$(mktemp)"; ERR="$(mktemp)"
PORT=0 node "$HERE/server.js" >"$OUT" 2>"$ERR" &
PID=$!
cleanup() { kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -f "$OUT" "$ERR"; }
trap cleanup EXIT

for _ in $(seq 1 150); do grep -q '^listening on ' "$OUT" && break; sleep 0.1; done
if ! grep -q '^listening on http://127.0.0.1:' "$OUT"; then
  echo "server did not start"; cat "$ERR"; echo "0 passed, 1 failed"; exit 1
fi
BASE="$(sed -n 's/^listening on //p' "$OUT")"
U="$BASE/odata/v4/partners"
AUTH='Authorization: Bearer xyz'
JSON='Content-Type: application/json'
pass=0; fail=0

# check NAME EXPECTED_STATUS EXPECTED_BODY_SUBSTRING curl-args...
check() {
  local name="$1" want="$2" needle="$3"; shift 3
  local body status
  body="$(curl -s -g -w '\n%{http_code}' -H "$AUTH" "$@")"
  status="${body##*$'\n'}"; body="${body%$'\n'*}"
  if [ "$status" = "$want" ] && { [ -z "$needle" ] || grep -qF -- "$needle" <<<"$body"; }; then
    pass=$((pass+1)); echo "ok   $name"
  else
    fail=$((fail+1)); echo "FAIL $name: status $status (want $want), body: ${body:0:300}"
  fi
}
# header VALUE of the last response of: curl -i ...
hdr() { curl -s -g -i -H "$AUTH" "${@:2}" | tr -d '\r' | sed -n "s/^$1: //Ip" | head -1; }
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

check "service document" 200 '"complianceManagementPartners"' "$U/"
check "metadata" 200 '<EntitySet Name="deviceManagementPartners"' "$U/\$metadata"
check "no auth header accepted" 200 'Contoso MDM' -H 'Authorization:' "$U/deviceManagementPartners"
check "empty list" 200 '"value":[]' "$U/complianceManagementPartners"

ID="$(curl -s -H "$AUTH" -H "$JSON" -X POST "$U/complianceManagementPartners" \
  -d '{"displayName":"Partner A","androidOnboarded":true,"partnerState":"unavailable","lastHeartbeatDateTime":"2016-12-31T23:59:37.9174975-08:00","macOsEnrollmentAssignments":[{"target":{"collectionId":"c1"}}]}' | jget '["id"]')"
check "create returned uuid" 200 '"Partner A"' "$U/complianceManagementPartners($ID)"
check "complex collection round-trip" 200 '"macOsEnrollmentAssignments":[{"target":{"collectionId":"c1"}}]' "$U/complianceManagementPartners($ID)"
check "timestamp normalized to ms UTC" 200 '"lastHeartbeatDateTime":"2017-01-01T07:59:37.917Z"' "$U/complianceManagementPartners($ID)"
check "create minimal 204" 204 '' -X POST -H "$JSON" -H 'Prefer: return=minimal' "$U/complianceManagementPartners" -d '{"displayName":"Partner B","partnerState":"enabled"}'
for n in C D E; do
  check "create $n 201" 201 "\"Partner $n\"" -X POST -H "$JSON" "$U/complianceManagementPartners" -d "{\"displayName\":\"Partner $n\",\"partnerState\":\"enabled\",\"iosOnboarded\":true}"
done
check "key quoted guid" 200 '"Partner A"' "$U/complianceManagementPartners('$ID')"
check "key name=value" 200 '"Partner A"' "$U/complianceManagementPartners(id=$ID)"
check "key as segment" 200 '"Partner A"' "$U/complianceManagementPartners/$ID"
check "bad guid literal 400" 400 '"code":"400"' "$U/complianceManagementPartners(notauuid)"
check "unknown guid 404" 404 '"message":"Not Found"' "$U/complianceManagementPartners(00000000-0000-0000-0000-000000000000)"
check "string key" 200 'Contoso MDM' "$U/deviceManagementPartners('dmp-0001')"
check "string key as segment" 200 'Contoso MDM' "$U/deviceManagementPartners/dmp-0001"
check "int32 key" 200 '"Europe"' "$U/partnerRegions(1)"
check "compound key" 200 '"enrolledCount":7' "$U/partnerPlatformCounts(partnerId='dmp-0001',platform='ios')"

# paging: 5 rows, 2 per page -> 3 pages, relative nextLink
pages=0; rows=0; next="complianceManagementPartners?\$select=displayName"; rel=yes
while [ -n "$next" ]; do
  case "$next" in http*|/*) rel=no;; esac
  page="$(curl -s -g -H "$AUTH" "$U/$next")"
  pages=$((pages+1)); rows=$((rows+$(jget '["value"].__len__()' <<<"$page")))
  next="$(jget '.get("@odata.nextLink") or ""' <<<"$page")"
  [ $pages -gt 10 ] && break
done
if [ $pages = 3 ] && [ $rows = 5 ] && [ $rel = yes ]; then pass=$((pass+1)); echo "ok   paging 3 pages / 5 rows / relative nextLink"
else fail=$((fail+1)); echo "FAIL paging: pages=$pages rows=$rows relative=$rel"; fi

check "filter+orderby+select+count" 200 '"@odata.count":3' "$U/complianceManagementPartners?\$filter=partnerState%20eq%20'enabled'%20and%20iosOnboarded%20eq%20true&\$select=displayName&\$orderby=displayName%20desc&\$count=true"
check "orderby desc first row" 200 '"value":[{"displayName":"Partner E"' "$U/complianceManagementPartners?\$filter=iosOnboarded%20eq%20true&\$select=displayName&\$orderby=displayName%20desc"
check "\$count segment" 200 '5' "$U/complianceManagementPartners/\$count"
check "bad filter 400" 400 'Property \"nope\" does not exist' "$U/complianceManagementPartners?\$filter=nope%20eq%201"
check "bad enum 400" 400 '"code":"ASSERT_ENUM"' -X POST -H "$JSON" "$U/complianceManagementPartners" -d '{"partnerState":"bogus"}'

# ETag / If-Match
ET="$(hdr etag "$U/complianceManagementPartners($ID)")"
check "PATCH without If-Match 428" 428 '"code":"428"' -X PATCH -H "$JSON" "$U/complianceManagementPartners($ID)" -d '{"displayName":"A2"}'
check "PATCH wrong If-Match 412" 412 '"code":"412"' -X PATCH -H "$JSON" -H 'If-Match: W/"2000-01-01T00:00:00.000Z"' "$U/complianceManagementPartners($ID)" -d '{"displayName":"A2"}'
check "PATCH right If-Match 200" 200 '"displayName":"A2"' -X PATCH -H "$JSON" -H "If-Match: $ET" "$U/complianceManagementPartners($ID)" -d '{"displayName":"A2"}'
check "PATCH stale If-Match 412" 412 '' -X PATCH -H "$JSON" -H "If-Match: $ET" "$U/complianceManagementPartners($ID)" -d '{"displayName":"A3"}'
check "PATCH If-Match * minimal 204" 204 '' -X PATCH -H "$JSON" -H 'If-Match: *' -H 'Prefer: return=minimal' "$U/complianceManagementPartners($ID)" -d '{"displayName":"A3"}'
check "DELETE without If-Match 428" 428 '' -X DELETE "$U/complianceManagementPartners($ID)"
ET="$(hdr etag "$U/complianceManagementPartners($ID)")"
check "DELETE right If-Match 204" 204 '' -X DELETE -H "If-Match: $ET" "$U/complianceManagementPartners($ID)"
check "deleted 404" 404 '' "$U/complianceManagementPartners($ID)"

# no-ETag entity, bound action
check "PATCH no-etag entity 200" 200 '"isConfigured":true' -X PATCH -H "$JSON" "$U/deviceManagementPartners('dmp-0002')" -d '{"isConfigured":true}'
check "PATCH no-etag minimal 204" 204 '' -X PATCH -H "$JSON" -H 'Prefer: return=minimal' "$U/deviceManagementPartners('dmp-0002')" -d '{"isConfigured":false}'
check "terminate 204" 204 '' -X POST -H "$JSON" "$U/deviceManagementPartners('dmp-0001')/PartnersService.terminate" -d '{}'
check "terminated state" 200 '"partnerState":"terminated"' "$U/deviceManagementPartners('dmp-0001')"
check "terminate unknown 404" 404 'not found' -X POST -H "$JSON" "$U/deviceManagementPartners('nope')/PartnersService.terminate" -d '{}'
check "duplicate id 409" 409 '"code":"409"' -X POST -H "$JSON" "$U/deviceManagementPartners" -d '{"id":"dmp-0001","displayName":"dup"}'
DID="$(curl -s -H "$AUTH" -H "$JSON" -X POST "$U/deviceManagementPartners" -d '{"displayName":"New","partnerAppType":"multiTenantApp"}' | jget '["id"]')"
check "generated string id" 200 '"partnerAppType":"multiTenantApp"' "$U/deviceManagementPartners('$DID')"
check "DELETE no-etag 204" 204 '' -X DELETE "$U/deviceManagementPartners('$DID')"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
