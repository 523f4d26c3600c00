# Defaults for the local platform; sourced by infra/local/diandan and exported to every process
# it starts. Every value can be overridden from the environment. The variable names are the ones
# packages/platform's config schema reads and docker-compose.yml sets.
#
# This is the only place a secret has a default. Every secret below is a PUBLIC development value:
# packages/platform/src/config.ts knows them all (DEVELOPMENT_SECRET_VALUES; a test keeps the two
# lists equal) and a process refuses to start with one unless DIANDAN_ENV=local (set here) and
# NODE_ENV is not production. docs/security.md says how to generate real ones.
export DIANDAN_ENV="${DIANDAN_ENV:-local}"
: "${DIANDAN_HOME:=$ROOT/.diandan}"
: "${DIANDAN_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/diandan}"

# Pinned server versions (see docs/infrastructure.md for why these).
: "${KAFKA_VERSION:=4.4.0}"
: "${TEMPORAL_CLI_VERSION:=1.9.1}"
: "${TEMPORAL_TEST_SERVER_VERSION:=1.40.0}"

: "${PG_BIN:=/usr/lib/postgresql/15/bin}"
: "${PGPORT:=55432}"
: "${PGDATABASE:=diandan}"
: "${KAFKA_PORT:=59092}"
: "${KAFKA_CONTROLLER_PORT:=59093}"
: "${KAFKA_PARTITIONS:=6}"
: "${TEMPORAL_PORT:=7233}"
: "${TEMPORAL_UI_PORT:=8233}"

KAFKA_LIB="$DIANDAN_CACHE/kafka-$KAFKA_VERSION"
TEMPORAL_CLI="$DIANDAN_CACHE/temporal-$TEMPORAL_CLI_VERSION/bin/temporal"
TEMPORAL_TEST_SERVER="$DIANDAN_CACHE/temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION/bin/temporal-test-server"
# Custom search attributes of the serviceOrder workflow (never personal data).
TEMPORAL_SEARCH_ATTRIBUTES="OrderStatus=Keyword OrderLevel=Keyword OrderUnit=Keyword OrderCategory=Keyword OrderDeadline=Datetime OrderOverdue=Bool OrderBounces=Int ProjectStatus=Keyword ProjectUnit=Keyword ProjectOrigin=Keyword ProjectDeadline=Datetime ProjectOverdue=Bool CycleOrganisation=Keyword CycleYear=Int CyclePhase=Keyword CycleNextPhaseAt=Datetime"

export DIANDAN_HOME DIANDAN_CACHE KAFKA_VERSION PGPORT PGDATABASE KAFKA_PARTITIONS TEMPORAL_TEST_SERVER TEMPORAL_CLI TEMPORAL_SEARCH_ATTRIBUTES
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:$PGPORT/$PGDATABASE}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:$TEMPORAL_PORT}"
export TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
export TEMPORAL_TASK_QUEUE="${TEMPORAL_TASK_QUEUE:-service-orders}"
export INTAKE_PORT="${INTAKE_PORT:-3001}"
# HMAC key of services/intake (order ids, tracking codes, secrets). A fixed, public DEV value:
# production must set its own (at least 32 characters) and keep it secret.
export INTAKE_SECRET_KEY="${INTAKE_SECRET_KEY:-diandan-local-dev-intake-key-not-secret-0001}"
export SMTP_PORT="${SMTP_PORT:-2525}"
# The demo's WeChat official account in safe mode (token, app id, 43-character EncodingAESKey), the
# demo's Open311 api_key and the hotline/letter-box operator token: public DEV values that make real
# clients work against `npm run up` (docs/intake.md, "Pointing real clients at the demo").
export WECHAT_TOKEN="${WECHAT_TOKEN:-diandanLocalDevWechat01}"
export WECHAT_APP_ID="${WECHAT_APP_ID:-wxd1a2d3a4d5e6m7o8}"
export WECHAT_AES_KEY="${WECHAT_AES_KEY:-ZGlhbmRhbi1sb2NhbC1kZXYtYWVzLWtleS0wMDAwMDE}"
export OPEN311_API_KEYS="${OPEN311_API_KEYS:-diandan-local-dev-open311-key-not-secret}"
export INTAKE_OPERATOR_TOKENS="${INTAKE_OPERATOR_TOKENS:-diandan-local-dev-operator-token-not-secret}"
export DISPATCH_PORT="${DISPATCH_PORT:-3002}"
export FEEDBACK_PORT="${FEEDBACK_PORT:-3003}"
export WEB_PORT="${WEB_PORT:-3000}"
# Prometheus endpoints of the worker (services serve /metrics on their own port): its own metrics
# and the Temporal SDK's. Derived from the worktree's port block so two checkouts never collide.
export WORKER_METRICS_PORT="${WORKER_METRICS_PORT:-$((${PORT_BLOCK_BASE:-3000} + 10))}"
export TEMPORAL_SDK_METRICS_PORT="${TEMPORAL_SDK_METRICS_PORT:-$((${PORT_BLOCK_BASE:-3000} + 11))}"
# The local profiles' services listen on loopback only, and what stands in front of them is on
# loopback too (the web server's /api proxy, HAProxy in the cluster profile): believe their
# X-Forwarded-For, so intake's per-address limit counts residents, not the proxy. A client that
# reaches a service directly from elsewhere is never believed ('loopback' trusts loopback peers only).
export TRUST_PROXY="${TRUST_PROXY:-loopback}"
# V8's old-space limit of the worker process, MB (docs/infrastructure.md, "The worker's memory").
export WORKER_HEAP_MB="${WORKER_HEAP_MB:-320}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
# Signs staff tokens (services/dispatch; services/feedback verifies them). A development value; set a real secret anywhere else.
export JWT_SECRET="${JWT_SECRET:-diandan-local-development-secret-not-for-production}"
# Encrypts residents' contact addresses kept by services/feedback for notices. A public DEV value.
export FEEDBACK_CONTACT_KEY="${FEEDBACK_CONTACT_KEY:-diandan-local-dev-contact-key-not-secret-0001}"
# Seals residents' contact details on orders.placed (intake seals, feedback opens): id:base64(32 bytes),
# the first key seals, all open (rotate by putting a new key first). A public DEV value.
export CONTACT_SEAL_KEYS="${CONTACT_SEAL_KEYS:-dev1:ZGlhbmRhbi1sb2NhbC1kZXYtc2VhbC1rZXktMDAwMDE=}"
# Bearer token services/intake presents to services/feedback (WeChat "评价" → POST /v1/wechat/rating).
# A public DEV value (at least 32 characters); production sets its own secret.
export FEEDBACK_SERVICE_TOKEN="${FEEDBACK_SERVICE_TOKEN:-diandan-local-dev-service-token-not-secret-01}"
# Encrypts every Temporal payload (packages/platform/src/codec.ts): id:base64-of-32-bytes, comma-
# separated, the first encrypts. A public DEV key; production sets its own (openssl rand -base64 32).
export TEMPORAL_CODEC_KEYS="${TEMPORAL_CODEC_KEYS:-local-dev-1:ZGlhbmRhbi1sb2NhbC1kZXYtY29kZWMta2V5LTAwMDE=}"
# The codec server for the Temporal Web UI (run by services/dispatch): decrypts for staff only.
# A worktree with a port block (PORT_BLOCK_BASE) takes its first free port.
export CODEC_PORT="${CODEC_PORT:-$(( ${PORT_BLOCK_BASE:-2999} + 5 ))}"
export TEMPORAL_UI_ORIGINS="${TEMPORAL_UI_ORIGINS:-http://127.0.0.1:$TEMPORAL_UI_PORT,http://localhost:$TEMPORAL_UI_PORT}"
# Where services/intake reaches services/feedback.
# Notices to residents, locally: MailDev (a real SMTP server that keeps every mail, web page and
# REST API) and the WeChat / Alibaba Cloud SMS stand-ins, started by `npm run up` (docs/feedback.md).
export MAIL_SINK_SMTP_PORT="${MAIL_SINK_SMTP_PORT:-$(( ${PORT_BLOCK_BASE:-3000} + 25 ))}"
export MAIL_SINK_WEB_PORT="${MAIL_SINK_WEB_PORT:-$(( ${PORT_BLOCK_BASE:-3000} + 26 ))}"
export NOTIFY_STANDIN_PORT="${NOTIFY_STANDIN_PORT:-$(( ${PORT_BLOCK_BASE:-3000} + 27 ))}"
export NOTIFY_SMTP_HOST="${NOTIFY_SMTP_HOST:-127.0.0.1}"
export NOTIFY_SMTP_PORT="${NOTIFY_SMTP_PORT:-$MAIL_SINK_SMTP_PORT}"
export NOTIFY_MAIL_FROM="${NOTIFY_MAIL_FROM:-notices@diandan.localhost}"
# intake's outgoing mail (replies, support codes for proposals: docs/annual-cycle.md) lands in MailDev too.
export SMTP_OUT_HOST="${SMTP_OUT_HOST:-127.0.0.1}"
export SMTP_OUT_PORT="${SMTP_OUT_PORT:-$MAIL_SINK_SMTP_PORT}"
export WECHAT_API_BASE="${WECHAT_API_BASE:-http://127.0.0.1:$NOTIFY_STANDIN_PORT}"
export NOTIFY_WECHAT_APP_ID="${NOTIFY_WECHAT_APP_ID:-wxlocalstandin0001}"
export NOTIFY_WECHAT_APP_SECRET="${NOTIFY_WECHAT_APP_SECRET:-diandan-local-dev-wechat-app-secret}"
export NOTIFY_WECHAT_TEMPLATE_ID="${NOTIFY_WECHAT_TEMPLATE_ID:-local-order-progress-template}"
export SMS_PROVIDER="${SMS_PROVIDER:-aliyun}"
export SMS_ENDPOINT="${SMS_ENDPOINT:-127.0.0.1:$NOTIFY_STANDIN_PORT}"
export SMS_PROTOCOL="${SMS_PROTOCOL:-http}"
export SMS_ACCESS_KEY_ID="${SMS_ACCESS_KEY_ID:-LTAIlocalstandin0001}"
export SMS_ACCESS_KEY_SECRET="${SMS_ACCESS_KEY_SECRET:-diandan-local-dev-sms-access-key-secret}"
export SMS_TEMPLATE_CODE="${SMS_TEMPLATE_CODE:-SMS_LOCAL_0001}"
# intake's one-time codes for supporting a proposal go by SMS too (the verification-code template).
export SMS_CODE_TEMPLATE_CODE="${SMS_CODE_TEMPLATE_CODE:-SMS_LOCAL_CODE_0001}"
export FEEDBACK_URL="${FEEDBACK_URL:-http://127.0.0.1:$FEEDBACK_PORT}"
