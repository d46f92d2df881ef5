#!/usr/bin/env bash
# Local PostgreSQL 15 and RabbitMQ for development and CI, bound to 127.0.0.1, with every byte of
# their state under .local/services/ of this repository (git-ignored).
#
#   scripts/services.sh up        install what is missing (apt), start both, write .local/services/env
#   scripts/services.sh down      stop what this script started (found by its pid files), nothing else
#   (up and down also take one service: `down rabbitmq`, `up rabbitmq`)
#   scripts/services.sh status    one line per service; exit 0 when both run, 3 when one is down
#   scripts/services.sh purge     down, then delete .local/services (all local data)
#   scripts/services.sh psql ...          psql on the platform database
#   scripts/services.sh rabbitmqctl ...   rabbitmqctl against this node (own epmd port and cookie)
#
# Ports: QPLAT_PG_PORT (55432), QPLAT_RABBIT_PORT (55672), QPLAT_RABBIT_DIST_PORT (25673),
# QPLAT_RABBIT_EPMD_PORT (54369); node name QPLAT_RABBIT_NODE (rabbit-qplat@localhost).
# None is a default port, so a system cluster or another Erlang node on the machine is never touched:
# RabbitMQ gets its own epmd on its own port, so `down` can stop that epmd without guessing.
# See docs/services.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base="$root/.local/services"
envfile="$base/env"

pg_port=${QPLAT_PG_PORT:-55432}
rmq_port=${QPLAT_RABBIT_PORT:-55672}
rmq_dist_port=${QPLAT_RABBIT_DIST_PORT:-25673}
epmd_port=${QPLAT_RABBIT_EPMD_PORT:-54369}
rmq_node=${QPLAT_RABBIT_NODE:-rabbit-qplat@localhost}

pg_bin=/usr/lib/postgresql/15/bin
pg_dir="$base/postgres"
pg_data="$pg_dir/data"
pg_log="$pg_dir/log/postgres.log"
pg_run="$pg_dir/run"

rmq_bin=/usr/lib/rabbitmq/bin
rmq_dir="$base/rabbitmq"
rmq_pidfile="$rmq_dir/rabbit.pid"
# What the running node was started with: `down` and `status` must use these, not today's env.
rmq_state="$rmq_dir/started.env"

die() {
  echo "services: $*" >&2
  rollback
  exit 1
}

# A failed `up` stops what it started itself, so it leaves things as it found them.
rolling_back=0 pg_started_now=0 rmq_launched=0 rmq_launcher=
rollback() {
  ((rolling_back == 0)) || return 0
  rolling_back=1
  if ((rmq_launched)); then
    echo "services: stopping the RabbitMQ node this failed 'up' launched" >&2
    kill -TERM -- "-$rmq_launcher" 2>/dev/null || true
    rmq_down >&2 || true
  fi
  if ((pg_started_now)); then
    echo "services: stopping the PostgreSQL this failed 'up' started" >&2
    pg_down >&2 || true
  fi
}
say() { echo "services: $*"; }

case "$root" in
  *[[:space:]\'\"\\]*) die "the repository path '$root' contains a space, quote or backslash; PostgreSQL's and RabbitMQ's start commands would split it. Clone it under a plain path." ;;
esac
for p in "$pg_port" "$rmq_port" "$rmq_dist_port" "$epmd_port"; do
  [[ "$p" =~ ^[0-9]+$ ]] && ((p > 0 && p < 65536)) || die "port '$p' is not a number in 1..65535 (QPLAT_*_PORT)"
done

need_root() {
  ((EUID == 0)) || die "$1 needs root (it switches to the postgres and rabbitmq users, and apt-get installs packages); run it as root or with sudo"
}

# Anything listening on this TCP port, on any address?
port_busy() { [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]; }

# Fail clearly when a service user cannot reach its folder: every parent must be searchable by it.
check_reach() {
  local user=$1 dir=$2 d=
  local -a parts
  IFS=/ read -ra parts <<<"${dir#/}"
  for part in "${parts[@]}"; do
    d="$d/$part"
    runuser -u "$user" -- test -x "$d" ||
      die "user '$user' cannot enter $d, so it cannot use $dir. Allow it (for example: chmod o+x $d) or clone the repository under a path every user can traverse."
  done
  runuser -u "$user" -- test -w "$dir" || die "user '$user' cannot write $dir"
}

install_missing() {
  local need=()
  [[ -x "$pg_bin/initdb" && -x "$pg_bin/pg_ctl" ]] || need+=(postgresql-15)
  command -v psql >/dev/null || need+=(postgresql-client-15)
  [[ -x "$rmq_bin/rabbitmq-server" && -x "$rmq_bin/rabbitmqctl" ]] || need+=(rabbitmq-server)
  ((${#need[@]})) || return 0
  need_root "installing ${need[*]}"
  say "installing ${need[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || die "apt-get update failed"
  apt-get install -y -q "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
}

# ---------------------------------------------------------------- PostgreSQL

# fd 9 (the lock) is closed for everything we start, or the servers would hold the lock for life.
as_pg() { runuser -u postgres -- "$@" 9>&-; }

# Prints the running postmaster's pid; fails when none runs on our data directory.
pg_pid() {
  [[ -f "$pg_data/postmaster.pid" ]] || return 1
  local pid
  pid=$(head -1 "$pg_data/postmaster.pid")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres ]] || return 1
  echo "$pid"
}

# The port a running postmaster listens on (line 4 of postmaster.pid).
pg_running_port() { sed -n 4p "$pg_data/postmaster.pid"; }

pg_cs() { echo "Host=127.0.0.1;Port=$1;Database=platform;Username=postgres"; }

pg_check_port() {
  if ! pg_pid >/dev/null && port_busy "$pg_port"; then
    die "port $pg_port is taken by another process (ss -ltnp 'sport = :$pg_port'); set QPLAT_PG_PORT to a free port"
  fi
}

pg_up() {
  if pg_pid >/dev/null; then
    local port
    port=$(pg_running_port)
    if [[ -n "${QPLAT_PG_PORT:-}" && "$port" != "$QPLAT_PG_PORT" ]]; then
      die "postgres already runs on port $port, not QPLAT_PG_PORT=$QPLAT_PG_PORT; run 'scripts/services.sh down' first"
    fi
    pg_port=$port
    say "postgres already running on 127.0.0.1:$port"
  else
    pg_check_port
    mkdir -p "$pg_dir/log" "$pg_run"
    chown postgres:postgres "$pg_dir" "$pg_dir/log" "$pg_run"
    check_reach postgres "$pg_dir"
    if [[ ! -f "$pg_data/PG_VERSION" ]]; then
      say "postgres: initdb $pg_data"
      as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        >"$pg_dir/log/initdb.log" 2>&1 || die "initdb failed; see $pg_dir/log/initdb.log"
    fi
    # A Unix socket path longer than ~107 bytes cannot be bound; then TCP alone serves.
    local sockdir=$pg_run
    ((${#pg_run} + 20 < 107)) || sockdir=
    # Settings go on the command line, not into postgresql.conf, so a changed port needs no edit.
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_log" -w -t 60 -o \
      "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories='$sockdir' -c max_connections=200" \
      start >/dev/null || die "postgres did not start; see $pg_log"
    pg_started_now=1
    say "postgres started on 127.0.0.1:$pg_port"
  fi
  local have
  have=$(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -XtAc \
    "select 1 from pg_database where datname = 'platform'") || die "cannot connect to postgres on 127.0.0.1:$pg_port"
  if [[ "$have" != 1 ]]; then
    psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -Xqc 'create database platform' \
      || die "could not create database platform"
    say "postgres: created database platform"
  fi
}

pg_down() {
  if ! pg_pid >/dev/null; then
    say "postgres not running"
    return 0
  fi
  as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w -t 60 stop >/dev/null || die "postgres did not stop; see $pg_log"
  say "postgres stopped"
}

pg_status() {
  local pid
  if pid=$(pg_pid); then
    echo "postgres: up   127.0.0.1:$(pg_running_port) pid $pid  $(pg_cs "$(pg_running_port)")"
  else
    echo "postgres: down (port ${pg_port})"
    return 1
  fi
}

# ---------------------------------------------------------------- RabbitMQ

# The environment every rabbitmq-server / rabbitmqctl / epmd call of ours runs with. HOME is our
# folder, so the Erlang cookie is ours too and the system's /var/lib/rabbitmq is never read.
rmq_env() {
  local ip='{127,0,0,1}'
  echo HOME="$rmq_dir"
  echo RABBITMQ_NODENAME="$rmq_node"
  echo RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  echo RABBITMQ_NODE_PORT="$rmq_port"
  echo RABBITMQ_DIST_PORT="$rmq_dist_port"
  echo ERL_EPMD_ADDRESS=127.0.0.1
  echo ERL_EPMD_PORT="$epmd_port"
  echo RABBITMQ_MNESIA_BASE="$rmq_dir/mnesia"
  echo RABBITMQ_LOG_BASE="$rmq_dir/log"
  echo RABBITMQ_PID_FILE="$rmq_pidfile"
  echo RABBITMQ_CONF_ENV_FILE="$rmq_dir/etc/rabbitmq-env.conf"
  echo RABBITMQ_CONFIG_FILE="$rmq_dir/etc/rabbitmq.conf"
  echo RABBITMQ_ADVANCED_CONFIG_FILE="$rmq_dir/etc/advanced.config"
  echo RABBITMQ_ENABLED_PLUGINS_FILE="$rmq_dir/etc/enabled_plugins"
  # Without this the distribution port (and the CLI's) listens on every interface.
  echo RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface $ip"
  echo RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface $ip"
  echo ERL_CRASH_DUMP="$rmq_dir/log/erl_crash.dump"
}

as_rmq() {
  local -a e
  mapfile -t e < <(rmq_env)
  (cd "$rmq_dir" && exec runuser -u rabbitmq -- env "${e[@]}" "$@" 9>&-)
}

rmqctl() { as_rmq "$rmq_bin/rabbitmqctl" -n "$rmq_node" "$@"; }

# Loads what the running node was started with, so a changed env does not lose track of it.
rmq_load_state() {
  if [[ -f "$rmq_state" ]]; then
    # shellcheck disable=SC1090
    . "$rmq_state"
  fi
}

rmq_pid() {
  [[ -f "$rmq_pidfile" ]] || return 1
  local pid
  pid=$(tr -dc 0-9 <"$rmq_pidfile")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == beam* ]] || return 1
  echo "$pid"
}

# Pid of the epmd listening on our epmd port, if any.
epmd_pid() {
  local pid
  pid=$(ss -Hltnp "sport = :$epmd_port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == epmd ]] || return 1
  echo "$pid"
}

# Everything this checkout runs as rabbitmq carries HOME=$rmq_dir: our `up` started the epmd, or one
# of our Erlang VMs did (erl starts epmd itself when none answers). Another checkout's has its own HOME.
epmd_is_ours() { tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | grep -qxF "HOME=$rmq_dir"; }

# Launches the node and returns at once (rmq_wait waits): PostgreSQL starts meanwhile.
rmq_up() {
  rmq_load_state
  if rmq_pid >/dev/null; then
    if [[ -n "${QPLAT_RABBIT_PORT:-}" && "$rmq_port" != "$QPLAT_RABBIT_PORT" ]]; then
      die "rabbitmq already runs on port $rmq_port, not QPLAT_RABBIT_PORT=$QPLAT_RABBIT_PORT; run 'scripts/services.sh down' first"
    fi
    say "rabbitmq already running on 127.0.0.1:$rmq_port (node $rmq_node)"
    return 0
  fi
  # Not running: today's settings apply, not the last run's.
  rmq_port=${QPLAT_RABBIT_PORT:-55672}
  rmq_dist_port=${QPLAT_RABBIT_DIST_PORT:-25673}
  epmd_port=${QPLAT_RABBIT_EPMD_PORT:-54369}
  rmq_node=${QPLAT_RABBIT_NODE:-rabbit-qplat@localhost}
  local p
  for p in "$rmq_port" "$rmq_dist_port"; do
    port_busy "$p" && die "port $p is taken by another process (ss -ltnp 'sport = :$p'); set QPLAT_RABBIT_PORT / QPLAT_RABBIT_DIST_PORT to free ports"
  done
  if port_busy "$epmd_port" && ! epmd_pid >/dev/null; then
    die "port $epmd_port is taken by something that is not epmd; set QPLAT_RABBIT_EPMD_PORT to a free port"
  fi

  mkdir -p "$rmq_dir/mnesia" "$rmq_dir/log" "$rmq_dir/etc"
  # Our own (empty) config files, so /etc/rabbitmq and its plugins list never apply to this node.
  [[ -f "$rmq_dir/etc/rabbitmq-env.conf" ]] || echo '# intentionally empty: settings come from scripts/services.sh' >"$rmq_dir/etc/rabbitmq-env.conf"
  [[ -f "$rmq_dir/etc/rabbitmq.conf" ]] || echo '# intentionally empty: settings come from scripts/services.sh' >"$rmq_dir/etc/rabbitmq.conf"
  [[ -f "$rmq_dir/etc/enabled_plugins" ]] || echo '[].' >"$rmq_dir/etc/enabled_plugins"
  chown -R rabbitmq:rabbitmq "$rmq_dir"
  check_reach rabbitmq "$rmq_dir"

  # Our own epmd on our own port: the one `down` may stop, since no other node registers there.
  # If an epmd already listens there (another checkout using the same epmd port), share it.
  if ! epmd_pid >/dev/null; then
    as_rmq /usr/bin/epmd -address 127.0.0.1 -port "$epmd_port" -daemon || die "could not start epmd on 127.0.0.1:$epmd_port"
  fi
  {
    echo "rmq_port=$rmq_port"
    echo "rmq_dist_port=$rmq_dist_port"
    echo "epmd_port=$epmd_port"
    echo "rmq_node=$rmq_node"
  } >"$rmq_state"

  rm -f "$rmq_pidfile"
  local -a e
  mapfile -t e < <(rmq_env)
  # Detached from this terminal and session: the node must outlive the script and Ctrl-C.
  (
    cd "$rmq_dir" || exit 1
    exec setsid nohup runuser -u rabbitmq -- env "${e[@]}" "$rmq_bin/rabbitmq-server"
  ) >"$rmq_dir/log/startup.log" 2>&1 </dev/null 9>&- &
  rmq_launcher=$!
  rmq_launched=1
}

# Waits for a node rmq_up launched.
rmq_wait() {
  ((rmq_launched)) || return 0
  # Ready once the AMQP listener accepts: RabbitMQ opens it among its last boot steps. Polling the
  # port costs nothing, where `rabbitmqctl wait` boots a second Erlang VM (seconds on a busy machine).
  local pid= deadline=$((SECONDS + 90)) failed=
  while :; do
    [[ -n "$pid" ]] || pid=$(rmq_pid) || pid=
    if [[ -n "$pid" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$rmq_port") 2>/dev/null; then
      break
    fi
    # The node (or, before it wrote its pid, its launcher) exiting means the start failed.
    if [[ -n "$pid" ]]; then
      kill -0 "$pid" 2>/dev/null || failed="the node exited"
    else
      kill -0 "$rmq_launcher" 2>/dev/null || failed="rabbitmq-server exited"
    fi
    ((SECONDS < deadline)) || failed="not ready within 90 s"
    if [[ -n "$failed" ]]; then
      tail -20 "$rmq_dir/log/startup.log" >&2 || true
      die "rabbitmq did not start ($failed); see $rmq_dir/log/ (startup.log, $rmq_node.log)"
    fi
    sleep 0.1
  done
  say "rabbitmq started on 127.0.0.1:$rmq_port (node $rmq_node)"
}

rmq_down() {
  rmq_load_state
  local pid i
  if pid=$(rmq_pid); then
    # SIGTERM is RabbitMQ's graceful stop (what its own start script and Docker send); unlike
    # `rabbitmqctl shutdown` it needs no second Erlang VM, which takes seconds to boot.
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "rabbitmq node $pid still alive after 30 s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "rabbitmq stopped"
  else
    say "rabbitmq not running"
  fi
  rm -f "$rmq_pidfile"
  # Stop epmd only if this checkout started it and no other node is registered with it.
  if pid=$(epmd_pid) && epmd_is_ours "$pid"; then
    if as_rmq /usr/bin/epmd -port "$epmd_port" -names 2>/dev/null | grep -q '^name '; then
      say "epmd (port $epmd_port) left running: other Erlang nodes are registered with it"
      return 0
    fi
    as_rmq /usr/bin/epmd -port "$epmd_port" -kill >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 25; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && die "epmd ($pid, port $epmd_port) did not stop"
    say "epmd (port $epmd_port) stopped"
  fi
}

rmq_status() {
  rmq_load_state
  local pid
  if pid=$(rmq_pid); then
    if (exec 3<>"/dev/tcp/127.0.0.1/$rmq_port") 2>/dev/null; then
      echo "rabbitmq: up   127.0.0.1:$rmq_port pid $pid node $rmq_node (dist $rmq_dist_port, epmd $epmd_port)  rabbitmq://127.0.0.1:$rmq_port/"
      return 0
    fi
    echo "rabbitmq: starting or broken: node pid $pid runs but 127.0.0.1:$rmq_port does not accept connections"
    return 1
  fi
  echo "rabbitmq: down (port $rmq_port)"
  return 1
}

# ---------------------------------------------------------------- commands

write_env() {
  local tmp="$envfile.tmp"
  {
    echo "# Written by scripts/services.sh up; removed by down. Source it: . .local/services/env"
    echo "export QPLAT_PG='$(pg_cs "$pg_port")'"
    echo "export QPLAT_PG_URL='postgresql://postgres@127.0.0.1:$pg_port/platform'"
    echo "export QPLAT_RABBIT='rabbitmq://127.0.0.1:$rmq_port/'"
  } >"$tmp"
  mv "$tmp" "$envfile"
}

# One command at a time: two concurrent `up`s would both see "not running" and race.
lock() {
  mkdir -p "$base"
  exec 9>"$base/lock"
  flock -w 120 9 || die "another scripts/services.sh holds $base/lock"
}

cmd=${1:-}
shift || true
# up and down take an optional service name, for tests that stop and start one of them.
which=${1:-all}
case "$cmd:$which" in
  up:all | up:postgres | up:rabbitmq | down:all | down:postgres | down:rabbitmq) ;;
  up:* | down:*) die "unknown service '$which' (postgres or rabbitmq)" ;;
esac
case "$cmd" in
  up)
    need_root "up"
    install_missing
    lock
    # The service users must traverse these (a umask of 077 would shut them out).
    chmod 755 "$root/.local" "$base"
    t0=$EPOCHREALTIME
    # RabbitMQ boots slowest (an Erlang VM, 5-20 s): launch it first, start PostgreSQL meanwhile.
    [[ $which == rabbitmq ]] || pg_check_port
    [[ $which == postgres ]] || rmq_up
    [[ $which == rabbitmq ]] || pg_up
    [[ $which == postgres ]] || rmq_wait
    # The env file names both services, running or not; a service's port is its running one.
    pg_pid >/dev/null && pg_port=$(pg_running_port)
    rmq_load_state
    write_env
    echo "QPLAT_PG=$(pg_cs "$pg_port")"
    echo "QPLAT_RABBIT=rabbitmq://127.0.0.1:$rmq_port/"
    say "ready in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s; env in ${envfile#"$root/"}"
    ;;
  down)
    need_root "down"
    [[ -d "$base" ]] || { say "nothing to stop (no $base)"; exit 0; }
    lock
    rc=0
    [[ $which == rabbitmq ]] || pg_down || rc=1
    [[ $which == postgres ]] || rmq_down || rc=1
    [[ $which != all ]] || rm -f "$envfile"
    exit $rc
    ;;
  status)
    need_root "status"
    rc=0
    pg_status || rc=3
    rmq_status || rc=3
    exit $rc
    ;;
  purge)
    need_root "purge"
    "$0" down
    rm -rf "$base"
    say "deleted $base"
    ;;
  psql)
    pg_pid >/dev/null && pg_port=$(pg_running_port)
    exec psql -h 127.0.0.1 -p "$pg_port" -U postgres -d platform "$@"
    ;;
  rabbitmqctl)
    need_root "rabbitmqctl"
    rmq_load_state
    # With the node down, the CLI's Erlang VM would start a stray epmd on our port.
    rmq_pid >/dev/null || die "rabbitmq is not running (scripts/services.sh up)"
    rmqctl "$@"
    ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
