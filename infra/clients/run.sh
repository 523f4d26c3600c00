#!/usr/bin/env bash
# Runs real third-party clients (wechatpy, georeport + requests from PyPI) against intake.
#   bash infra/clients/run.sh [--follow]
# Installs the pinned clients once into $DIANDAN_CACHE/clients (idempotent, like the servers);
# every other value comes from infra/local/env.sh (INTAKE_URL overrides where intake is).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=infra/local/env.sh
source "$ROOT/infra/local/env.sh"
LIB="$DIANDAN_CACHE/clients-wechatpy-1.8.18-georeport-0.3.1"
if [ ! -f "$LIB/.complete" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --target "$LIB" \
    "wechatpy==1.8.18" "georeport==0.3.1" "requests>=2.31" "xmltodict>=0.13" "cryptography>=41" 2>&1 | grep -v 'WARNING: Running pip as' | grep -v 'dependency resolver\|botocore' || true
  touch "$LIB/.complete"
fi
PYTHONPATH="$LIB" exec python3 "$ROOT/infra/clients/real_clients.py" "$@"
