#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices) for portal pages, offline against
# Debian's Chromium. Usage: bash tests/browser/lighthouse.sh BASE_URL [SESSION_COOKIE] [PATH...]
#   BASE_URL        e.g. http://localhost:8080/acme   (a running `portico demo`)
#   SESSION_COOKIE  e.g. portico_session=ps_…          (pages behind sign-in need one)
#   PATH...         default: /sign-in / /invoices
set -euo pipefail
cd "$(dirname "$0")"
base=${1:?usage: lighthouse.sh BASE_URL [SESSION_COOKIE] [PATH...]}
cookie=${2:-}
shift $(( $# >= 2 ? 2 : 1 ))
paths=("$@"); [ ${#paths[@]} -gt 0 ] || paths=(/sign-in / /invoices)
[ -x node_modules/.bin/lighthouse ] || npm ci --no-audit --no-fund --loglevel=error >/dev/null
features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,CalculateNativeWinOcclusion,InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater,AutofillServerCommunication,PrivacySandboxSettings4,RenderDocument,NetworkTimeServiceQuerying
headers='{}'
[ -z "$cookie" ] || headers="{\"Cookie\":\"$cookie\"}"
out=$(mktemp -d)
printf '%-12s %12s %14s %15s\n' page performance accessibility best-practices
for p in "${paths[@]}"; do
  CHROME_PATH=$(command -v chromium) ./node_modules/.bin/lighthouse "$base$p" \
    --chrome-flags="--headless=new --no-sandbox --disable-features=$features --component-updater=url-source=http://127.0.0.1:9/ --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'" \
    --extra-headers="$headers" --no-enable-error-reporting \
    --only-categories=performance,accessibility,best-practices \
    --output=json --output-path="$out/lh.json" --quiet
  node -e '
    const r = require(process.argv[1]); const c = r.categories; const s = k => Math.round(c[k].score * 100);
    console.log(process.argv[2].padEnd(12), String(s("performance")).padStart(12), String(s("accessibility")).padStart(14), String(s("best-practices")).padStart(15));
  ' "$out/lh.json" "$p"
done
rm -rf "$out"
