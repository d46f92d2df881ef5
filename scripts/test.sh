#!/usr/bin/env bash
# The test command (README; .ci/run calls it): installs what the tests need, builds, runs every test,
# and ends with one line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Debian packages the tests read: ONNX's node tests, Fashion-MNIST, sklearn's digits.
need=()
[[ -d /usr/share/libonnx-testdata/data/node ]] || need+=(libonnx-testdata)
[[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]] || need+=(dataset-fashion-mnist)
[[ -f /usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz ]] || need+=(python3-sklearn)
if ((${#need[@]})); then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

# PostgreSQL and RabbitMQ for the integration tests, on loopback, data under .local/ (left running for the next run).
scripts/services.sh up
# shellcheck disable=SC1091
. .local/services/env

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
marker="$results/.started"
touch "$marker"

dotnet build Platform.sln -c Release -v quiet -nologo

# Every test project but the integration tests runs in one parallel pass; the integration tests run after
# it, alone, because one of them stops and restarts the shared RabbitMQ node.
integration=tests/Platform.Integration.Tests/Platform.Integration.Tests.csproj
filter="$results/unit.slnf"
{
  echo '{ "solution": { "path": "'"$root"'/Platform.sln", "projects": ['
  dotnet sln Platform.sln list | grep -E '^tests/.*\.csproj$' | grep -vxF "$integration" | sed 's/.*/      "&"/' | paste -sd, -
  echo '] } }'
} >"$filter"

set +e
dotnet test "$filter" -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=unit" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@"
rc=$?
dotnet test "$integration" -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=integration" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@"
rc2=$?
set -e
((rc == 0)) && rc=$rc2

# The conformance test writes its pass count; show it beside the summary.
conf=$(find tests -path '*TestResults/onnx-node-tests.txt' -newer "$marker" 2>/dev/null | head -1 || true)
[[ -n "$conf" ]] && head -1 "$conf"

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  total=$(get total); executed=$(get executed)
  skipped=$((skipped + total - executed))
done
# Name each failed test and the first line of its message, so a run that only keeps the tail says what failed.
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  python3 - "$trx" <<'PY' || true
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for r in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") == "Failed":
        msg = r.findtext(".//t:Message", default="", namespaces=ns).strip().splitlines()
        print(f"FAILED {r.get('testName')}: {msg[0][:300] if msg else ''}")
# Failures outside any test (a class fixture's clean-up, a crashed host) fail the run without a failed test.
for info in ET.parse(sys.argv[1]).getroot().iterfind(".//t:RunInfo", ns):
    if info.get("outcome") == "Error":
        text = (info.findtext("t:Text", default="", namespaces=ns) or "").strip().splitlines()
        print(f"FAILED (outside a test): {' '.join(text[:2])[:300]}")
PY
done
if [[ $rc -ne 0 && $failed -eq 0 ]]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc
