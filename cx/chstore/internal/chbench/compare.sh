#!/usr/bin/env bash
# compare.sh: side-by-side timings of the ClickHouse store against the SQL stores on the benchmark data
# (shared/bench): import of DATA/responses.csv into ClickHouse (a
# two-shard cluster on disk), SQLite and PostgreSQL, and the scorecard of
# the last wave against the first from each, in alternating runs.
#
#   cx/chstore/internal/chbench/compare.sh DATA IMPORTS SCORECARDS
#
# imports the data IMPORTS times into each store (fresh each time,
# alternating the stores), then times SCORECARDS rounds of three
# scorecards from each store (alternating), on the first import. For the
# 10M data set, one import is enough: compare.sh DIR 1 3.
#
# Needs CXCULTURE_POSTGRES_DSN (a database where it may create schemas)
# and clickhouse-server; starts (and stops) its own ClickHouse cluster in
# a folder on disk under $TMPDIR. Every line it prints carries the load
# average; /usr/bin/time adds wall seconds and peak kilobytes.
set -euo pipefail
data=${1:?usage: compare.sh DATA IMPORTS SCORECARDS}
imports=${2:-3}
scorecards=${3:-3}
root=$(cd "$(dirname "$0")/../../../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cxculture-compare.XXXXXX")
bin=$tmp/chbench
(cd "$root" && go build -o "$bin" ./cx/chstore/internal/chbench)
# The servers run as the clickhouse user: their folder is not inside $tmp,
# which only we may enter.
cluster=$(mktemp -d /tmp/cxculture-compare-cluster.XXXXXX)
trap '"$root"/.ci/clickhouse-cluster stop "$cluster" || true; rm -rf "$tmp"' EXIT
env=$("$root"/.ci/clickhouse-cluster start "$cluster")
eval "$env"
tag=$(basename "$data")
dsn=${CXCULTURE_POSTGRES_DSN:?set CXCULTURE_POSTGRES_DSN}
sep='?'
[[ $dsn == *\?* ]] && sep='&'

pg() { psql "${dsn%%\?*}" -qc "$1" >/dev/null; }
t() { /usr/bin/time -f "  time: %e s wall, %M KB peak" "$@"; }
echo "== $tag: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$imports"); do
	echo "-- import, run $run"
	t "$bin" -store clickhouse -data "$data" -do import -database "cmp_${tag}_$run" -catalog "$tmp/ch-$run.db"
	t "$bin" -store sqlite -db "$tmp/sqlite-$run.db" -data "$data" -do import
	pg "DROP SCHEMA IF EXISTS cmp_${tag}_$run CASCADE; CREATE SCHEMA cmp_${tag}_$run"
	t "$bin" -store postgres -dsn "${dsn}${sep}search_path=cmp_${tag}_$run" -data "$data" -do import
done
# The scorecards read the first import once ClickHouse has merged its
# parts (as it does in the background in a few minutes), so that runs
# compare the same state of the data.
for addr in ${CXCULTURE_CLICKHOUSE_ADDRS//,/ }; do
	for table in responses answers group_sums answer_sums pattern_sums; do
		clickhouse-client --host "${addr%:*}" --port "${addr##*:}" -q "OPTIMIZE TABLE cmp_${tag}_1.${table}_local FINAL"
	done
done
for run in $(seq 1 "$scorecards"); do
	echo "-- scorecard, run $run"
	t "$bin" -store clickhouse -data "$data" -do scorecard -runs 3 -database "cmp_${tag}_1" -catalog "$tmp/ch-1.db"
	t "$bin" -store sqlite -db "$tmp/sqlite-1.db" -data "$data" -do scorecard -runs 3
	t "$bin" -store postgres -dsn "${dsn}${sep}search_path=cmp_${tag}_1" -data "$data" -do scorecard -runs 3
done
for run in $(seq 1 "$imports"); do
	pg "DROP SCHEMA IF EXISTS cmp_${tag}_$run CASCADE"
done
