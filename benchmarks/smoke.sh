#!/usr/bin/env bash
# Every benchmark script at a tiny size, each bounded in time, so that none of them rots (.ci/run calls
# this after the test suite). The full sizes are run by hand; see each script's docstring.
#
# Needs what .ci/run sets up: the project installed in the active Python, PostgreSQL on 127.0.0.1 with
# trust auth for user postgres (a scratch database is created here and dropped at the end), and
# Debian's wrk for the respondent benchmark (apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
PGHOST=${PGHOST:-127.0.0.1}
LIMIT=${BENCH_SMOKE_SECONDS:-300}   # per script

if ! command -v wrk >/dev/null; then
    echo "benchmarks/smoke.sh: wrk is missing; install it with: apt-get install -y wrk" >&2
    exit 1
fi

DB="survey_bench_smoke_$(date +%s)_$$"
psql -h "$PGHOST" -U postgres -d postgres -qc "CREATE DATABASE $DB"
trap 'psql -h "$PGHOST" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
URL="postgresql://postgres@$PGHOST/$DB"
# The app refuses SURVEY_ variables it does not know; the scripts take the database as an argument.
unset SURVEY_BENCH_DATABASE_URL BENCH_DATABASE_URL

run() {
    local script=$1; shift
    if [ ! -f "benchmarks/$script" ]; then
        echo "== $script: not present, skipped"
        return
    fi
    echo "== $script $*"
    timeout "$LIMIT" "$PYTHON" "benchmarks/$script" "$@"
}

run bench_analysis_compute.py --sizes 1000 --repeat 1
run bench_analysis_report.py --database-url "$URL" --sizes 2000 --repeat 1 --no-docs
run bench_exports.py --sizes 1000 --full 1000 --repeat 1 --no-docs
run bench_findings.py --sizes 2000 --repeat 1
run bench_weighting.py --sizes 2000 --repeat 1
run bench_recompute_memory.py --sizes 2000
run bench_distribution.py --sizes 1000 --emails 200
run bench_customer_page.py --database-url "$URL" --orders 100 --repeat 3
run bench_customer_import.py --database-url "$URL" --sizes 500:2000 --no-docs
run bench_voc_text.py --texts 200 --stored 2000 --folds 2 --repeat 1 --no-docs
run bench_churn.py --database-url "$URL" --sizes 2000:10000 --no-demo
run bench_respondent.py --database-url "$URL" --seconds 2 --rounds 1 --clients 4 --respondents 12000 --no-docs
run bench_case_job.py --database-url "$URL" --triggers 100 --rounds 1
run bench_case_rules.py --database-url "$URL" --seconds 2 --rounds 1 --clients 4 --respondents 12000
echo "== every benchmark ran at its smoke size"
