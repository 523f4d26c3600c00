# shellcheck shell=bash
# The cluster profile of the local platform: `diandan up|status|stop --cluster` (npm run up -- --cluster).
# Sourced by infra/local/diandan, which has already defined its helpers (say, ok, die, wait_for,
# alive, start_bg, as_pg, install_*) and sourced env.sh. The light profile is untouched: this
# profile has its own state directory, its own PostgreSQL cluster and its own ports, so both can run
# side by side (the benchmarks compare them in one run).
#
# What it runs (docs/infrastructure.md, "Cluster profile"; docker-compose.yml describes the same):
#   PostgreSQL 15        one server, databases temporal, temporal_visibility and diandan (read model)
#   Temporal server      1.32.2 built from the Go module proxy, on PostgreSQL; schema by its sql tool
#   Temporal Web UI      ui-server built from the Go module proxy (skipped, with a warning, if it fails)
#   Kafka                three KRaft nodes (broker+controller), replication 3, min.insync.replicas 2
#   services, worker     two instances of intake, dispatch, feedback and the worker
#   HAProxy (Debian)     one front port per service, round robin over both instances, health-checked
#   Prometheus (Debian)  scrapes every service, worker, the Temporal server and HAProxy
#
# Every port is a variable below (override from the environment); the defaults stay inside the
# 3500–3599, 59500–59599, 7500–7599, 8500–8599, 6500–6599, 9500–9599 blocks.

: "${TEMPORAL_SERVER_VERSION:=1.32.2}"
: "${TEMPORAL_UI_SERVER_VERSION:=2.56.4}"
# v1.32.2 needs Go >= 1.26.10; the go command fetches this toolchain from the module proxy.
: "${TEMPORAL_GO_TOOLCHAIN:=go1.27.3}"
: "${CLUSTER_PGPORT:=6532}"
: "${CLUSTER_KAFKA_PORTS:=59511 59512 59513}"
: "${CLUSTER_KAFKA_CONTROLLER_PORTS:=59521 59522 59523}"
: "${CLUSTER_TEMPORAL_PORT:=7571}"          # frontend gRPC; history +1, matching +2, pprof +3, frontend HTTP +10, worker +6
: "${CLUSTER_TEMPORAL_MEMBERSHIP_BASE:=6591}" # frontend, history, matching, worker: +0..+3
: "${CLUSTER_TEMPORAL_METRICS_PORT:=9531}"
: "${CLUSTER_TEMPORAL_UI_PORT:=8571}"
: "${CLUSTER_INTAKE_PORT:=3551}"     # HAProxy fronts: intake, dispatch, feedback, SMTP, stats
: "${CLUSTER_DISPATCH_PORT:=3552}"
: "${CLUSTER_FEEDBACK_PORT:=3553}"
: "${CLUSTER_SMTP_PORT:=3554}"
: "${CLUSTER_HAPROXY_STATS_PORT:=3559}"
: "${CLUSTER_INSTANCE_BASE:=3560}"   # instance i (1, 2) of intake/dispatch/feedback/smtp/worker metrics/SDK metrics: base+10(i-1)+1..6
: "${CLUSTER_PROMETHEUS_PORT:=9590}"
# History shards are fixed when the database is created (docs/performance.md says why 16).
: "${CLUSTER_HISTORY_SHARDS:=16}"

CLUSTER_HOME="$DIANDAN_HOME/cluster"
RUN="$CLUSTER_HOME/run"
LOGS="$CLUSTER_HOME/logs"
mkdir -p "$RUN" "$LOGS"
TEMPORAL_SERVER_DIR="$DIANDAN_CACHE/temporal-server-$TEMPORAL_SERVER_VERSION"
TEMPORAL_UI_DIR="$DIANDAN_CACHE/temporal-ui-server-$TEMPORAL_UI_SERVER_VERSION"
CLUSTER_INSTANCES="1 2"

# What the app processes of this profile see (the names env.sh exports; the rest is inherited).
cluster_app_env() {
  local brokers="" p
  for p in $CLUSTER_KAFKA_PORTS; do brokers+="${brokers:+,}127.0.0.1:$p"; done
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$CLUSTER_PGPORT/$PGDATABASE"
  export KAFKA_BROKERS="$brokers"
  export KAFKA_REPLICATION_FACTOR=3 KAFKA_MIN_INSYNC_REPLICAS=2
  export TEMPORAL_ADDRESS="127.0.0.1:$CLUSTER_TEMPORAL_PORT"
  export FEEDBACK_URL="http://127.0.0.1:$CLUSTER_FEEDBACK_PORT"
  # Scripts (demo orders, benchmarks, chaos) reach the services through the load balancer.
  export INTAKE_PORT=$CLUSTER_INTAKE_PORT DISPATCH_PORT=$CLUSTER_DISPATCH_PORT FEEDBACK_PORT=$CLUSTER_FEEDBACK_PORT SMTP_PORT=$CLUSTER_SMTP_PORT
  export PGPORT=$CLUSTER_PGPORT
}
instance_port() { echo $((CLUSTER_INSTANCE_BASE + 10 * ($1 - 1) + $2)); } # instance_port I OFFSET

# ---------------------------------------------------------------- install
install_temporal_server() {
  if [ ! -x "$TEMPORAL_SERVER_DIR/bin/server" ] || [ ! -x "$TEMPORAL_SERVER_DIR/bin/sql" ] || [ ! -d "$TEMPORAL_SERVER_DIR/schema/postgresql" ]; then
    command -v go >/dev/null || die "go is missing: the Temporal server is built from the Go module proxy"
    say "building Temporal server $TEMPORAL_SERVER_VERSION and its sql tool from the Go module proxy (≈5 min cold on 2 cores)"
    mkdir -p "$TEMPORAL_SERVER_DIR/bin"
    GOTOOLCHAIN=$TEMPORAL_GO_TOOLCHAIN GOBIN="$TEMPORAL_SERVER_DIR/bin" nice -n 10 go install \
      "go.temporal.io/server/cmd/server@v$TEMPORAL_SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION" \
      >"$LOGS/temporal-build.log" 2>&1 || { tail -20 "$LOGS/temporal-build.log"; die "building the Temporal server failed"; }
    # Keep the schema beside the binaries: the module cache may be cleaned, the cache folder is ours.
    local mod
    mod="$(GOTOOLCHAIN=$TEMPORAL_GO_TOOLCHAIN go env GOMODCACHE)/go.temporal.io/server@v$TEMPORAL_SERVER_VERSION"
    rm -rf "$TEMPORAL_SERVER_DIR/schema" && cp -r "$mod/schema" "$TEMPORAL_SERVER_DIR/schema" && chmod -R u+w "$TEMPORAL_SERVER_DIR/schema"
  fi
  # The Web UI server builds in the background (another few minutes of Go): the cluster does not
  # wait for it; the next `up` (or `revive`) starts the UI once the binary is there. A failed build
  # is not retried (delete $TEMPORAL_UI_DIR to retry). 2.56.4, not the newest 2.58.1: 2.58's
  # go.temporal.io/api v1.64.0 is not on the module proxy (403).
  if [ ! -x "$TEMPORAL_UI_DIR/bin/server" ] && [ ! -f "$TEMPORAL_UI_DIR/.failed" ] && ! alive ui-build; then
    say "building Temporal Web UI server $TEMPORAL_UI_SERVER_VERSION in the background (log: $LOGS/ui-build.log)"
    mkdir -p "$TEMPORAL_UI_DIR/bin"
    GOTOOLCHAIN=$TEMPORAL_GO_TOOLCHAIN GOBIN="$TEMPORAL_UI_DIR/bin" start_bg ui-build sh -c \
      "nice -n 10 go install github.com/temporalio/ui-server/v2/cmd/server@v$TEMPORAL_UI_SERVER_VERSION || touch '$TEMPORAL_UI_DIR/.failed'"
  fi
}

install_debian_tools() {
  local missing=()
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v prometheus >/dev/null || missing+=(prometheus)
  [ ${#missing[@]} = 0 ] && return 0
  say "installing ${missing[*]} (Debian)"
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}: run 'apt-get install -y ${missing[*]}' as root"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------- PostgreSQL
cluster_postgres() {
  local data="$CLUSTER_HOME/postgres"
  if [ ! -f "$data/PG_VERSION" ]; then
    say "initdb PostgreSQL cluster in $data"
    mkdir -p "$data"
    chmod 755 "$DIANDAN_HOME" "$CLUSTER_HOME"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    # Tuned for Temporal's write pattern (many small transactions) on a small box; durability kept:
    # fsync and synchronous_commit stay on (an acknowledged order survives a crash of the machine).
    cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $CLUSTER_PGPORT
unix_socket_directories = '$data'
max_connections = 400
shared_buffers = 512MB
effective_cache_size = 2GB
work_mem = 8MB
wal_buffers = 16MB
max_wal_size = 2GB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
random_page_cost = 1.1
fsync = on
synchronous_commit = on
EOF
  fi
  if ! postgres_running "$data"; then
    say "starting PostgreSQL on 127.0.0.1:$CLUSTER_PGPORT"
    [ "$(id -u)" = 0 ] && { touch "$LOGS/postgres.log"; chown postgres "$LOGS/postgres.log"; }
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$LOGS/postgres.log" -w start >/dev/null
  fi
  # After a kill -9, PostgreSQL replays its WAL first: on a loaded box that takes a while.
  wait_for PostgreSQL 120 "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$CLUSTER_PGPORT" -U postgres -d postgres
  if ! psql -h 127.0.0.1 -p "$CLUSTER_PGPORT" -U postgres -d postgres -tAc "select 1 from pg_database where datname='$PGDATABASE'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$CLUSTER_PGPORT" -U postgres -d postgres -qc "create database $PGDATABASE" >/dev/null
  fi
  ok "PostgreSQL  postgresql://postgres@127.0.0.1:$CLUSTER_PGPORT/{$PGDATABASE,temporal,temporal_visibility}"
}

# ---------------------------------------------------------------- Kafka
kafka_props() { # kafka_props NODE: the server.properties of node 1..3
  local n=$1 port ctl voters="" i=1 p
  port=$(echo $CLUSTER_KAFKA_PORTS | cut -d' ' -f"$n")
  ctl=$(echo $CLUSTER_KAFKA_CONTROLLER_PORTS | cut -d' ' -f"$n")
  for p in $CLUSTER_KAFKA_CONTROLLER_PORTS; do voters+="${voters:+,}$i@127.0.0.1:$p"; i=$((i + 1)); done
  cat <<EOF
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctl
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$CLUSTER_HOME/kafka-$n/data
num.partitions=$KAFKA_PARTITIONS
auto.create.topics.enable=false
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
EOF
}

format_kafka_node() { # format_kafka_node N CLUSTER-ID: writes its properties; formats its storage once
  local n=$1 id=$2 dir="$CLUSTER_HOME/kafka-$n"
  mkdir -p "$dir"
  kafka_props "$n" >"$dir/server.properties"
  [ -f "$dir/data/meta.properties" ] && return 0
  [ -n "$id" ] || die "kafka-$n has no storage and no cluster id to format it with"
  java -cp "$KAFKA_LIB/*" -Dlog4j2.configurationFile="$ROOT/infra/local/kafka/log4j2.properties" \
    kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" >>"$LOGS/kafka-$n.log" 2>&1
}

start_kafka_node() { # start_kafka_node N
  local n=$1 dir="$CLUSTER_HOME/kafka-$n"
  alive "kafka-$n" && return 0
  start_bg "kafka-$n" java -Xms192m -Xmx384m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$ROOT/infra/local/kafka/log4j2.properties" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$dir/server.properties"
}

cluster_kafka() {
  local id="" n
  if [ ! -f "$CLUSTER_HOME/kafka-1/data/meta.properties" ]; then
    say "formatting three Kafka nodes (KRaft, one cluster id)"
    id=$(java -cp "$KAFKA_LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
  fi
  # All formatted before any starts: a node waits for a quorum of controllers only so long.
  for n in 1 2 3; do format_kafka_node "$n" "$id"; done
  say "starting Kafka $KAFKA_VERSION × 3 on 127.0.0.1:${CLUSTER_KAFKA_PORTS// /,}"
  for n in 1 2 3; do start_kafka_node "$n"; done
  wait_for "Kafka (3 brokers)" 180 node infra/local/check.mjs kafka 3
  ok "Kafka       $KAFKA_BROKERS (replication 3, min.insync.replicas 2)"
}

# ---------------------------------------------------------------- Temporal
temporal_config() {
  local t=$CLUSTER_TEMPORAL_PORT m=$CLUSTER_TEMPORAL_MEMBERSHIP_BASE
  cat <<EOF
# Generated by infra/local/cluster.sh from the module's config/development-postgres12.yaml,
# with every port shifted and the tuning of docs/performance.md.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: $CLUSTER_HISTORY_SHARDS
  datastores:
    postgres-default:
      sql:
        pluginName: postgres12
        databaseName: temporal
        connectAddr: 127.0.0.1:$CLUSTER_PGPORT
        connectProtocol: tcp
        user: postgres
        password: ""
        maxConns: 40
        maxIdleConns: 40
        maxConnLifetime: 1h
    postgres-visibility:
      sql:
        pluginName: postgres12
        databaseName: temporal_visibility
        connectAddr: 127.0.0.1:$CLUSTER_PGPORT
        connectProtocol: tcp
        user: postgres
        password: ""
        maxConns: 10
        maxIdleConns: 10
        maxConnLifetime: 1h
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  pprof:
    port: $((t + 3))
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: 127.0.0.1:$CLUSTER_TEMPORAL_METRICS_PORT
services:
  frontend:
    rpc: { grpcPort: $t, membershipPort: $m, bindOnLocalHost: true, httpPort: $((t + 10)) }
  history:
    rpc: { grpcPort: $((t + 1)), membershipPort: $((m + 1)), bindOnLocalHost: true }
  matching:
    rpc: { grpcPort: $((t + 2)), membershipPort: $((m + 2)), bindOnLocalHost: true }
  worker:
    rpc: { grpcPort: $((t + 6)), membershipPort: $((m + 3)), bindOnLocalHost: true }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:$t
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: $ROOT/infra/local/cluster/dynamicconfig.yaml
  pollInterval: 10s
EOF
}

temporal_sql() { "$TEMPORAL_SERVER_DIR/bin/sql" --plugin postgres12 --ep 127.0.0.1 -p "$CLUSTER_PGPORT" -u postgres "$@"; }

cluster_temporal_schema() {
  local db schema
  for db in temporal temporal_visibility; do
    schema="$TEMPORAL_SERVER_DIR/schema/postgresql/v12/${db/temporal_visibility/visibility}/versioned"
    if ! psql -h 127.0.0.1 -p "$CLUSTER_PGPORT" -U postgres -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
      say "creating Temporal database $db (sql tool)"
      temporal_sql --db "$db" create-database >>"$LOGS/temporal-schema.log" 2>&1
      temporal_sql --db "$db" setup-schema -v 0.0 >>"$LOGS/temporal-schema.log" 2>&1
    fi
    # Idempotent: applies only the versions the database does not have yet (an upgrade after a version bump).
    temporal_sql --db "$db" update-schema -d "$schema" >>"$LOGS/temporal-schema.log" 2>&1 || { tail -5 "$LOGS/temporal-schema.log"; die "Temporal schema update of $db failed"; }
  done
}

cluster_temporal() {
  local dir="$CLUSTER_HOME/temporal" addr="127.0.0.1:$CLUSTER_TEMPORAL_PORT" a
  mkdir -p "$dir"
  temporal_config >"$dir/config.yaml"
  cluster_temporal_schema
  if ! alive temporal; then
    # Never mistake another Temporal (a worktree's dev server on the same port) for ours.
    if (exec 3<>"/dev/tcp/127.0.0.1/$CLUSTER_TEMPORAL_PORT") 2>/dev/null; then
      die "port $CLUSTER_TEMPORAL_PORT is taken by another process: set CLUSTER_TEMPORAL_PORT"
    fi
    say "starting Temporal server $TEMPORAL_SERVER_VERSION on $addr (PostgreSQL, $CLUSTER_HISTORY_SHARDS history shards)"
    start_bg temporal "$TEMPORAL_SERVER_DIR/bin/server" --config-file "$dir/config.yaml" --allow-no-auth start
  fi
  wait_for Temporal 120 sh -c "'$TEMPORAL_CLI' operator cluster health --address $addr | grep -q SERVING"
  if ! "$TEMPORAL_CLI" operator namespace describe -n "$TEMPORAL_NAMESPACE" --address "$addr" >/dev/null 2>&1; then
    "$TEMPORAL_CLI" operator namespace create -n "$TEMPORAL_NAMESPACE" --retention 72h --address "$addr" >/dev/null
    wait_for "namespace $TEMPORAL_NAMESPACE" 60 "$TEMPORAL_CLI" operator namespace describe -n "$TEMPORAL_NAMESPACE" --address "$addr"
  fi
  local have
  have=$("$TEMPORAL_CLI" operator search-attribute list -n "$TEMPORAL_NAMESPACE" --address "$addr" 2>/dev/null || true)
  for a in $TEMPORAL_SEARCH_ATTRIBUTES; do
    grep -qw "${a%%=*}" <<<"$have" && continue
    # A namespace created a moment ago is known to the frontend before every service's registry
    # has refreshed it ("Namespace default is not found"): retry for a while instead of failing `up`.
    wait_for "search attribute ${a%%=*}" 60 "$TEMPORAL_CLI" operator search-attribute create -n "$TEMPORAL_NAMESPACE" --address "$addr" --name "${a%%=*}" --type "${a#*=}"
  done
  ok "Temporal    $addr (server $TEMPORAL_SERVER_VERSION, metrics :$CLUSTER_TEMPORAL_METRICS_PORT)"
  if [ -x "$TEMPORAL_UI_DIR/bin/server" ]; then
    cat >"$dir/ui.yaml" <<EOF
temporalGrpcAddress: $addr
host: 127.0.0.1
port: $CLUSTER_TEMPORAL_UI_PORT
enableUi: true
defaultNamespace: $TEMPORAL_NAMESPACE
codec:
  endpoint: http://127.0.0.1:$(instance_port 1 7)
EOF
    alive temporal-ui || start_bg temporal-ui "$TEMPORAL_UI_DIR/bin/server" --root "$dir" --config "." --env ui start
    # The UI is a convenience: if it does not answer, say so and go on (never fail `up` or `revive`).
    local i
    for i in $(seq 1 30); do curl -fsS -o /dev/null "http://127.0.0.1:$CLUSTER_TEMPORAL_UI_PORT/" 2>/dev/null && break; sleep 1; done
    if curl -fsS -o /dev/null "http://127.0.0.1:$CLUSTER_TEMPORAL_UI_PORT/" 2>/dev/null; then ok "Temporal UI http://127.0.0.1:$CLUSTER_TEMPORAL_UI_PORT"
    else echo "  ! Temporal UI did not answer on :$CLUSTER_TEMPORAL_UI_PORT (see $LOGS/temporal-ui.log)"; fi
  fi
}

# ---------------------------------------------------------------- apps, load balancer, Prometheus
start_app_instance() { # start_app_instance NAME I
  local name=$1 i=$2
  alive "$name-$i" && return 0
  case $name in
    intake) INTAKE_PORT=$(instance_port "$i" 1) SMTP_PORT=$(instance_port "$i" 4) KAFKA_CLIENT_ID="diandan-$i" start_bg "$name-$i" node services/intake/dist/src/main.js ;;
    # Each dispatch serves the Web UI's codec on its own port (the light profile's 3004 may be in use).
    dispatch) DISPATCH_PORT=$(instance_port "$i" 2) CODEC_PORT=$(instance_port "$i" 7) KAFKA_CLIENT_ID="diandan-$i" start_bg "$name-$i" node services/dispatch/dist/src/main.js ;;
    feedback) FEEDBACK_PORT=$(instance_port "$i" 3) KAFKA_CLIENT_ID="diandan-$i" start_bg "$name-$i" node services/feedback/dist/src/main.js ;;
    worker) WORKER_METRICS_PORT=$(instance_port "$i" 5) TEMPORAL_SDK_METRICS_PORT=$(instance_port "$i" 6) KAFKA_CLIENT_ID="diandan-$i" \
      start_bg "$name-$i" node --max-old-space-size="$WORKER_HEAP_MB" workflows/dist/src/worker.js ;;
  esac
}

haproxy_config() {
  local i
  cat <<EOF
# Generated by infra/local/cluster.sh. Round robin over two instances of each service; an instance
# is taken out after two failed /healthz probes (1 s apart) and back after one good one. A request
# whose connection was refused is re-sent to the other instance (retry-on conn-failure: it never
# reached a process, so re-sending is safe even for POST).
global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  retries 2
  option redispatch
  retry-on conn-failure
  # The services trust X-Forwarded-For from loopback (rate limits per resident, not per proxy).
  option forwardfor
  default-server inter 1s fall 2 rise 1
frontend stats
  bind 127.0.0.1:$CLUSTER_HAPROXY_STATS_PORT
  http-request use-service prometheus-exporter if { path /metrics }
  stats enable
  stats uri /
EOF
  local svc port off
  for svc in intake:$CLUSTER_INTAKE_PORT:1 dispatch:$CLUSTER_DISPATCH_PORT:2 feedback:$CLUSTER_FEEDBACK_PORT:3; do
    IFS=: read -r name port off <<<"$svc"
    cat <<EOF
frontend $name
  bind 127.0.0.1:$port
  default_backend $name
backend $name
  balance roundrobin
  option httpchk GET /healthz
EOF
    # Live feeds (dispatch's server-sent events) are long requests: no server timeout for them.
    [ "$name" = dispatch ] && echo "  timeout server 1h"
    for i in $CLUSTER_INSTANCES; do echo "  server ${name}-$i 127.0.0.1:$(instance_port "$i" "$off") check"; done
  done
  cat <<EOF
frontend smtp
  mode tcp
  bind 127.0.0.1:$CLUSTER_SMTP_PORT
  default_backend smtp
backend smtp
  mode tcp
EOF
  for i in $CLUSTER_INSTANCES; do echo "  server smtp-$i 127.0.0.1:$(instance_port "$i" 4) check"; done
}

prometheus_config() {
  local i targets_services="" targets_workers="" targets_sdk=""
  for i in $CLUSTER_INSTANCES; do
    targets_services+="'127.0.0.1:$(instance_port "$i" 1)', '127.0.0.1:$(instance_port "$i" 2)', '127.0.0.1:$(instance_port "$i" 3)', "
    targets_workers+="'127.0.0.1:$(instance_port "$i" 5)', "
    targets_sdk+="'127.0.0.1:$(instance_port "$i" 6)', "
  done
  cat <<EOF
# Generated by infra/local/cluster.sh: every process of the cluster profile.
global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs:
  - job_name: services
    static_configs: [{ targets: [${targets_services%, }] }]
  - job_name: worker
    static_configs: [{ targets: [${targets_workers%, }] }]
  - job_name: temporal-sdk
    static_configs: [{ targets: [${targets_sdk%, }] }]
  - job_name: temporal-server
    static_configs: [{ targets: ['127.0.0.1:$CLUSTER_TEMPORAL_METRICS_PORT'] }]
  - job_name: haproxy
    static_configs: [{ targets: ['127.0.0.1:$CLUSTER_HAPROXY_STATS_PORT'] }]
EOF
}

cluster_edges() {
  haproxy_config >"$CLUSTER_HOME/haproxy.cfg"
  haproxy -c -q -f "$CLUSTER_HOME/haproxy.cfg" || die "haproxy.cfg is invalid"
  alive haproxy || start_bg haproxy haproxy -W -db -f "$CLUSTER_HOME/haproxy.cfg"
  prometheus_config >"$CLUSTER_HOME/prometheus.yml"
  mkdir -p "$CLUSTER_HOME/prometheus"
  alive prometheus || start_bg prometheus prometheus --config.file="$CLUSTER_HOME/prometheus.yml" --storage.tsdb.path="$CLUSTER_HOME/prometheus" \
    --web.listen-address="127.0.0.1:$CLUSTER_PROMETHEUS_PORT" --storage.tsdb.retention.time=2d
}

cluster_apps() {
  local name i
  for i in $CLUSTER_INSTANCES; do
    for name in intake dispatch feedback worker; do start_app_instance "$name" "$i"; done
  done
  for i in $CLUSTER_INSTANCES; do
    wait_for "intake-$i" 60 curl -fsS "http://127.0.0.1:$(instance_port "$i" 1)/readyz"
    wait_for "dispatch-$i" 60 curl -fsS "http://127.0.0.1:$(instance_port "$i" 2)/readyz"
    wait_for "feedback-$i" 60 curl -fsS "http://127.0.0.1:$(instance_port "$i" 3)/readyz"
    wait_for "worker-$i" 60 curl -fsS -o /dev/null "http://127.0.0.1:$(instance_port "$i" 5)/metrics"
  done
  cluster_edges
  wait_for "haproxy → intake" 30 curl -fsS "http://127.0.0.1:$CLUSTER_INTAKE_PORT/readyz"
  wait_for "haproxy → dispatch" 30 curl -fsS "http://127.0.0.1:$CLUSTER_DISPATCH_PORT/readyz"
  wait_for "haproxy → feedback" 30 curl -fsS "http://127.0.0.1:$CLUSTER_FEEDBACK_PORT/readyz"
  wait_for Prometheus 30 curl -fsS "http://127.0.0.1:$CLUSTER_PROMETHEUS_PORT/-/ready"
  ok "intake      http://127.0.0.1:$CLUSTER_INTAKE_PORT/docs   (HAProxy → :$(instance_port 1 1), :$(instance_port 2 1); SMTP :$CLUSTER_SMTP_PORT)"
  ok "dispatch    http://127.0.0.1:$CLUSTER_DISPATCH_PORT/v1/openapi.json   (HAProxy → :$(instance_port 1 2), :$(instance_port 2 2))"
  ok "feedback    http://127.0.0.1:$CLUSTER_FEEDBACK_PORT/board   (HAProxy → :$(instance_port 1 3), :$(instance_port 2 3))"
  ok "worker × 2  metrics :$(instance_port 1 5), :$(instance_port 2 5); Temporal SDK metrics :$(instance_port 1 6), :$(instance_port 2 6)"
  ok "HAProxy     stats http://127.0.0.1:$CLUSTER_HAPROXY_STATS_PORT/   Prometheus http://127.0.0.1:$CLUSTER_PROMETHEUS_PORT/targets"
}

# ---------------------------------------------------------------- commands
CLUSTER_PROCESSES="kafka-1 kafka-2 kafka-3 temporal temporal-ui intake-1 intake-2 dispatch-1 dispatch-2 feedback-1 feedback-2 worker-1 worker-2 haproxy prometheus"

cluster_up() {
  local t0=$SECONDS demo=no a
  for a in "$@"; do [ "$a" = --demo ] && demo=yes; done
  cluster_app_env
  install_node_modules
  install_postgres
  install_kafka
  install_temporal
  install_temporal_server
  install_debian_tools
  cluster_postgres
  cluster_kafka
  cluster_temporal
  build
  setup_data
  if [ $demo = yes ]; then
    say "demo data"
    npx --no-install tsx infra/scripts/seed-demo.ts
    cluster_apps
    say "demo orders (through HAProxy: intake, the staff API and rating)"
    npx --no-install tsx infra/scripts/demo-orders.ts
  fi
  say "cluster up in $((SECONDS - t0))s — stop with: npm run stop -- --cluster"
}

cluster_status() {
  local name
  for name in $CLUSTER_PROCESSES; do
    if alive "$name"; then ok "$name (pid $(cat "$RUN/$name.pid"))"; else echo "  · $name not running"; fi
  done
  if as_pg "$PG_BIN/pg_ctl" -D "$CLUSTER_HOME/postgres" status >/dev/null 2>&1; then ok "postgres (127.0.0.1:$CLUSTER_PGPORT)"; else echo "  · postgres not running"; fi
}

cluster_stop() {
  local name pid order
  # Edges first, then the apps, then the servers they depend on.
  order="prometheus haproxy worker-1 worker-2 intake-1 intake-2 dispatch-1 dispatch-2 feedback-1 feedback-2 temporal-ui temporal kafka-1 kafka-2 kafka-3"
  for name in $order; do
    if alive "$name"; then
      pid=$(cat "$RUN/$name.pid")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
      ok "stopped $name"
    fi
    rm -f "$RUN/$name.pid"
  done
  if [ -f "$CLUSTER_HOME/postgres/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$CLUSTER_HOME/postgres" status >/dev/null 2>&1; then
    as_pg "$PG_BIN/pg_ctl" -D "$CLUSTER_HOME/postgres" -m fast -w stop >/dev/null && ok "stopped postgres"
  fi
}

cluster_main() { # cluster_main COMMAND ARGS... (the --cluster flag among them)
  local cmd=$1; shift
  case $cmd in
    up) cluster_up "$@" ;;
    status) cluster_status ;;
    stop) cluster_stop ;;
    reset)
      confirm_reset "$CLUSTER_HOME" "$@"
      cluster_stop
      rm -rf "$CLUSTER_HOME/postgres" "$CLUSTER_HOME"/kafka-* "$CLUSTER_HOME/prometheus" "$CLUSTER_HOME/logs" "$RUN"
      ok "deleted the cluster profile's data in $CLUSTER_HOME; start afresh with: npm run up -- --cluster" ;;
    # The chaos suite (infra/chaos) restarts what it killed: starts whatever is not running.
    revive) cluster_app_env; cluster_postgres; cluster_kafka; cluster_temporal; cluster_apps ;;
    env) cluster_app_env; env | grep -E '^(DATABASE_URL|KAFKA_BROKERS|KAFKA_REPLICATION_FACTOR|KAFKA_MIN_INSYNC_REPLICAS|TEMPORAL_ADDRESS|INTAKE_PORT|DISPATCH_PORT|FEEDBACK_PORT|SMTP_PORT|PGPORT|FEEDBACK_URL)=' | sed 's/^/export /' ;;
    *) die "the cluster profile knows up, status, stop, reset, env and revive" ;;
  esac
}
