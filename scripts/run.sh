#!/usr/bin/env bash
# The README's *run* command: the whole platform on this machine, with a demo job.
#
#   scripts/run.sh [--port N] [--once] [--no-build] [--config Release|Debug] [--timeout SECONDS]
#
# Installs what is missing (apt: dataset-fashion-mnist, jq, curl), starts PostgreSQL and RabbitMQ
# (scripts/services.sh up), builds once, applies the migrations, starts the web app on
# http://127.0.0.1:PORT (5080, or $QPLAT_RUN_PORT) and one CPU worker in the background (logs in
# .local/logs/), loads the demo model and Fashion-MNIST data sets into a team "demo", submits an int8
# job, prints its progress, then the URLs and the tokens. Ctrl-C stops the web app and the worker;
# the services stay up (scripts/services.sh down stops them).
#
#   --once       exit when the demo job ends: 0 if it succeeded, 1 otherwise (the tests use this)
#   --no-build   use the binaries already built (fails, naming the file, when one is missing)
#   --timeout S  how long the demo job may take before the run gives up (default 1800)
#
# A second run reuses the services, the tokens and the uploaded data (found by name and SHA-256).
# State lives under .local/run/ (tokens, data, pid files), git-ignored.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

port=${QPLAT_RUN_PORT:-5080}
once=0 build=1 config=Release job_timeout=1800

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
  case "$1" in
    --once) once=1 ;;
    --no-build) build=0 ;;
    --port) [[ $# -ge 2 ]] || usage; port=$2; shift ;;
    --config) [[ $# -ge 2 ]] || usage; config=$2; shift ;;
    --timeout) [[ $# -ge 2 ]] || usage; job_timeout=$2; shift ;;
    -h | --help) usage ;;
    *) echo "run: unknown option '$1'" >&2; usage ;;
  esac
  shift
done

say() { echo "run: $*"; }
die() { echo "run: $*" >&2; exit 1; }

[[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "--port '$port' is not a number in 1..65535"
[[ "$job_timeout" =~ ^[0-9]+$ ]] || die "--timeout '$job_timeout' is not a number of seconds"
[[ $config == Release || $config == Debug ]] || die "--config '$config' must be Release or Debug"

state="$root/.local/run"
logs="$root/.local/logs"
data="$state/data"
mkdir -p "$state" "$logs" "$data"
chmod 700 "$state"

fm=/usr/share/datasets/fashion-mnist
model_file="$root/tests/fixtures/models/fashion_cnn_bn.onnx"
base="http://127.0.0.1:$port"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# ---------------------------------------------------------------- processes we start

web_pid= worker_pid=

# Stops one process we started (SIGTERM is a graceful host shutdown for .NET), SIGKILL after 20 s.
stop_pid() {
  local name=$1 pid=$2 i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "run: $name (pid $pid) still running after 20 s; SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stopping=0
stop_all() {
  ((stopping == 0)) || return 0
  stopping=1
  if [[ -n "$web_pid$worker_pid" ]]; then
    say "stopping the worker and the web app"
    stop_pid worker "$worker_pid"
    stop_pid web "$web_pid"
    rm -f "$state/web.pid" "$state/worker.pid"
    say "stopped; PostgreSQL and RabbitMQ stay up (scripts/services.sh down stops them)"
  fi
}
trap stop_all EXIT
trap 'echo; exit 130' INT
trap 'exit 143' TERM

# A web app or worker that an earlier run left behind (killed with SIGKILL, say) is ours to stop:
# its pid file names it and its command line is our dll.
stop_leftover() {
  local name=$1 dll=$2 pidfile="$state/$1.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid=$(tr -dc 0-9 <"$pidfile")
  if [[ -n "$pid" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dll"; then
    say "stopping the $name an earlier run left running (pid $pid)"
    stop_pid "$name" "$pid"
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------- packages and services

need=()
[[ -f $fm/t10k-images-idx3-ubyte.gz && -f $fm/train-images-idx3-ubyte.gz ]] || need+=(dataset-fashion-mnist)
command -v jq >/dev/null || need+=(jq)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
  ((EUID == 0)) || die "missing ${need[*]}; run as root (or sudo) so apt-get can install them"
  say "installing ${need[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
fi
command -v dotnet >/dev/null || die "dotnet is not on PATH; install the .NET 10 SDK first"

"$root/scripts/services.sh" up | sed 's/^/  /'
# shellcheck disable=SC1091
. "$root/.local/services/env"

# ---------------------------------------------------------------- build

# One build of the four programs (a solution filter, so the tests and benchmarks are not built).
if ((build)); then
  slnf="$state/run.slnf"
  cat >"$slnf" <<'EOF'
{ "solution": { "path": "../../Platform.sln", "projects": [
  "web\\Platform.Web\\Platform.Web.csproj",
  "worker\\Platform.Worker\\Platform.Worker.csproj",
  "migrations\\Platform.Migrations\\Platform.Migrations.csproj",
  "src\\Platform.Cli\\Platform.Cli.csproj" ] } }
EOF
  say "building ($config)"
  dotnet build "$slnf" -c "$config" -v quiet -nologo >"$logs/build.log" 2>&1 ||
    { tail -30 "$logs/build.log" >&2; die "the build failed; see $logs/build.log"; }
fi

# The output of a project: bin/<config>/net10.0/, or its RID subfolder when the project sets one.
dll_of() {
  local project=$1 name=$2 d
  for d in "$root/$project/bin/$config/net10.0" "$root/$project/bin/$config/net10.0/linux-x64"; do
    [[ -f "$d/$name.dll" ]] && { echo "$d/$name.dll"; return 0; }
  done
  die "$project/bin/$config/net10.0/$name.dll is missing; run without --no-build (or dotnet build -c $config)"
}
web_dll=$(dll_of web/Platform.Web Platform.Web)
worker_dll=$(dll_of worker/Platform.Worker Platform.Worker)
migrator_dll=$(dll_of migrations/Platform.Migrations Platform.Migrations)

# ---------------------------------------------------------------- migrations and tokens

dotnet "$migrator_dll" --connection "$QPLAT_PG" 2>&1 | sed 's/^/  /' || die "the migrations failed (above)"

new_token() { echo "qp_$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"; }

# The web app stores this one (hashed) as the first admin token of a fresh database.
if [[ ! -s "$state/admin-token" ]]; then
  (umask 077 && new_token >"$state/admin-token")
fi
admin_token=$(<"$state/admin-token")

# ---------------------------------------------------------------- web app and worker

stop_leftover web Platform.Web.dll
stop_leftover worker Platform.Worker.dll
if [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]; then
  die "port $port is taken by another process (ss -ltnp 'sport = :$port'); pass --port N or set QPLAT_RUN_PORT"
fi

export ConnectionStrings__Platform="$QPLAT_PG"
export Platform__Bus__RabbitUri="$QPLAT_RABBIT"

# From their output folders, so each finds its own appsettings and native libraries.
(
  cd "$(dirname "$web_dll")" &&
    Platform__AdminToken="$admin_token" ASPNETCORE_URLS="$base" exec dotnet "$web_dll"
) >"$logs/web.log" 2>&1 </dev/null &
web_pid=$!
echo "$web_pid" >"$state/web.pid"
(cd "$(dirname "$worker_dll")" && exec dotnet "$worker_dll" --device cpu) >"$logs/worker.log" 2>&1 </dev/null &
worker_pid=$!
echo "$worker_pid" >"$state/worker.pid"
say "web app (pid $web_pid) and CPU worker (pid $worker_pid) starting; logs in ${logs#"$root/"}/web.log, worker.log"

# Exits naming the log when one of them has died.
check_alive() {
  if ! kill -0 "$web_pid" 2>/dev/null; then
    web_pid=
    died web
  fi
  if ! kill -0 "$worker_pid" 2>/dev/null; then
    worker_pid=
    died worker
  fi
}
died() {
  echo "run: the $1 process exited; the end of $logs/$1.log:" >&2
  tail -25 "$logs/$1.log" >&2 || true
  exit 1
}

deadline=$((SECONDS + 120))
until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready" 2>/dev/null)" == 200 ]]; do
  check_alive
  ((SECONDS < deadline)) || die "the web app is not ready at $base/health/ready after 120 s; see $logs/web.log"
  sleep 0.3
done
say "web app ready at $base"
echo "$base" >"$state/url"

# ---------------------------------------------------------------- API helpers

# api METHOD PATH TOKEN [curl args]: sets API_STATUS and API_BODY; fails only when curl cannot connect.
API_STATUS= API_BODY=
body_file="$state/.response"
api() {
  local method=$1 path=$2 token=$3
  shift 3
  API_STATUS=$(curl -sS -o "$body_file" -w '%{http_code}' -X "$method" \
    -H "Authorization: Bearer $token" "$@" "$base$path") || die "$method $path: no answer from $base (see $logs/web.log)"
  API_BODY=$(<"$body_file")
}

# Like api, but exits unless the status is one of EXPECTED (a|b), printing the problem's detail.
api_expect() {
  local expected=$1
  shift
  api "$@"
  [[ "|$expected|" == *"|$API_STATUS|"* ]] && return 0
  local detail
  detail=$(jq -r '[.title, .detail] | map(select(. != null)) | join(": ")' <<<"$API_BODY" 2>/dev/null || true)
  die "$1 $2 answered $API_STATUS, expected $expected: ${detail:-$API_BODY}"
}

# ---------------------------------------------------------------- admin, team "demo", its token

api GET /api/v1/teams "$admin_token"
if [[ $API_STATUS == 401 ]]; then
  die "the admin token in .local/run/admin-token is not known to the database: it already had an admin token before this file was written (the web app only creates the first one). Put that token in .local/run/admin-token, or start from empty data with 'scripts/services.sh purge' (deletes all local data)."
fi
[[ $API_STATUS == 200 ]] || die "GET /api/v1/teams answered $API_STATUS: $API_BODY"
team_id=$(jq -r '.[] | select(.name == "demo") | .id' <<<"$API_BODY" | head -1)
if [[ -z "$team_id" ]]; then
  api_expect 201 POST /api/v1/teams "$admin_token" -H 'Content-Type: application/json' -d '{"name":"demo"}'
  team_id=$(jq -r .id <<<"$API_BODY")
  say "created team demo ($team_id)"
else
  say "reusing team demo ($team_id)"
fi

demo_token=
if [[ -s "$state/demo-token" ]]; then
  demo_token=$(<"$state/demo-token")
  api GET /api/v1/models "$demo_token"
  if [[ $API_STATUS == 200 ]]; then
    say "reusing the demo team's token (.local/run/demo-token)"
  else
    demo_token=
  fi
fi
if [[ -z "$demo_token" ]]; then
  api_expect 201 POST /api/v1/tokens "$admin_token" -H 'Content-Type: application/json' \
    -d "{\"teamId\":\"$team_id\",\"name\":\"scripts/run.sh demo\"}"
  demo_token=$(jq -r .token <<<"$API_BODY")
  (umask 077 && echo "$demo_token" >"$state/demo-token")
  say "created a token for team demo (.local/run/demo-token)"
fi

# ---------------------------------------------------------------- demo model and data sets

qplat() {
  local dll
  dll=$(dll_of src/Platform.Cli qplat)
  dotnet "$dll" "$@"
}

calib_npz="$data/fashion-mnist-calib-1000.npz"
eval_npz="$data/fashion-mnist-test-10k.npz"
if [[ ! -s "$calib_npz" ]]; then
  say "importing 1,000 Fashion-MNIST training images for calibration"
  qplat data import-idx --images $fm/train-images-idx3-ubyte.gz --labels $fm/train-labels-idx1-ubyte.gz \
    --out "$calib_npz.tmp" --count 1000 >/dev/null || die "qplat data import-idx failed (above)"
  mv "$calib_npz.tmp" "$calib_npz"
fi
if [[ ! -s "$eval_npz" ]]; then
  say "importing the 10,000 Fashion-MNIST test images for evaluation"
  qplat data import-idx --images $fm/t10k-images-idx3-ubyte.gz --labels $fm/t10k-labels-idx1-ubyte.gz \
    --out "$eval_npz.tmp" >/dev/null || die "qplat data import-idx failed (above)"
  mv "$eval_npz.tmp" "$eval_npz"
fi

# upload KIND(models|datasets) NAME FILE: prints the id of the team's upload with this name and these
# bytes, uploading it first when there is none.
upload() {
  local kind=$1 name=$2 file=$3 sha id
  sha=$(sha256sum "$file" | cut -d' ' -f1)
  api_expect 200 GET "/api/v1/$kind" "$demo_token"
  id=$(jq -r --arg n "$name" --arg s "$sha" '.[] | select(.name == $n and .sha256 == $s) | .id' <<<"$API_BODY" | head -1)
  if [[ -n "$id" ]]; then
    say "reusing ${kind%s} $name ($id)" >&2
  else
    api_expect 201 POST "/api/v1/$kind" "$demo_token" -F "file=@$file" -F "name=$name"
    id=$(jq -r .id <<<"$API_BODY")
    say "uploaded ${kind%s} $name ($id, $(stat -c %s "$file") bytes)" >&2
  fi
  echo "$id"
}
model_id=$(upload models fashion_cnn_bn "$model_file")
calib_id=$(upload datasets fashion-mnist-calib-1000 "$calib_npz")
eval_id=$(upload datasets fashion-mnist-test-10k "$eval_npz")

# ---------------------------------------------------------------- the demo job

api_expect 202 POST /api/v1/jobs "$demo_token" -H 'Content-Type: application/json' -d "{
  \"kind\": \"quantize\", \"modelId\": \"$model_id\", \"calibrationDatasetId\": \"$calib_id\",
  \"evaluationDatasetId\": \"$eval_id\", \"spec\": \"int8\", \"device\": \"cpu\" }"
job_id=$(jq -r .id <<<"$API_BODY")
say "submitted int8 job $job_id"

last= status= started=$SECONDS hinted=0
while :; do
  check_alive
  api_expect 200 GET "/api/v1/jobs/$job_id" "$demo_token"
  line=$(jq -r '"\(.status)  \((.progress // 0) * 100 | floor)%  \(.stage // "")"' <<<"$API_BODY")
  status=$(jq -r .status <<<"$API_BODY")
  if [[ "$line" != "$last" ]]; then
    printf 'run:   %5ds  %s\n' $((SECONDS - started)) "$line"
    last=$line
  fi
  case "$status" in succeeded | failed | cancelled) break ;; esac
  if ((!hinted && SECONDS - started > 60)) && [[ $status == pending || $status == dispatched ]]; then
    say "still $status after 60 s: no worker has taken it yet (see $logs/worker.log)"
    hinted=1
  fi
  ((SECONDS - started < job_timeout)) || die "job $job_id did not end within $job_timeout s (status $status); see $logs/worker.log"
  sleep 0.5
done

job_ok=0
if [[ $status == succeeded ]]; then
  job_ok=1
  variant_id=$(jq -r '.variantId // empty' <<<"$API_BODY")
  say "demo job $job_id succeeded: variant $variant_id"
  if [[ -n "$variant_id" ]]; then
    api GET "/api/v1/variants/$variant_id" "$demo_token"
    if [[ $API_STATUS == 200 ]]; then
      jq -r '"run:   accuracy \(.accuracy // "n/a")  top-1 agreement \(.top1Agreement // "n/a")  SQNR \(.sqnrDb // "n/a") dB  size \(.sizeBytes) bytes  latency p50 \(.latencyMsP50 // "n/a") ms (\(.runtime // "?") on \(.deviceName // .device))"' <<<"$API_BODY"
    fi
  fi
else
  say "demo job $job_id $status: $(jq -r '.error // "no error message"' <<<"$API_BODY")"
fi

# ---------------------------------------------------------------- what to use

cat <<EOF

run: portal/API    $base/api/v1
run: API reference $base/scalar  (OpenAPI: $base/openapi/v1.json)
run: Hangfire      $base/hangfire?token=$admin_token  (admin; the token is kept in a cookie after the first visit)
run: admin token   $admin_token
run: demo token    $demo_token  (team demo)
run: try           curl -H "Authorization: Bearer $demo_token" $base/api/v1/jobs/$job_id
EOF

if ((once)); then
  ((job_ok)) || exit 1
  exit 0
fi
echo
say "running; Ctrl-C stops the web app and the worker"
# Returns when either process exits (or on Ctrl-C, through the trap).
wait -n "$web_pid" "$worker_pid" || true
check_alive
