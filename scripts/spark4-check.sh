#!/usr/bin/env bash
# Runs the Spark step tests (test/sparkgen) on the newest PySpark 4.0.x instead of the pinned 3.5.6
# (the Spark of EMR 7.13), so the generated SQL is known to run on both (docs/contracts.md, "Spark
# versions"). Optional: CI (.ci/run) does not call it.
#
#   scripts/spark4-check.sh            # newest 4.0.x on PyPI (pip index versions pyspark)
#   scripts/spark4-check.sh 4.0.2      # a given version (4.0.2 is the Spark of emr-spark-8.0.0)
#
# The virtualenv lands in ${TRENDS_CACHE_DIR:-~/.cache/trends}/pyspark-<version>, provisioned by
# `trends setup` (TRENDS_PYSPARK_VERSION selects it, see runtime/spark); later runs reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-}"
if [ -z "$version" ]; then
  # "Available versions: 4.3.0, 4.2.1, …, 4.0.5, 4.0.4, …" → the first 4.0.x is the newest.
  version="$(pip index versions pyspark 2>/dev/null | sed -n 's/^Available versions: //p' | tr ',' '\n' |
    tr -d ' ' | grep -E '^4\.0\.[0-9]+$' | head -n 1 || true)"
  if [ -z "$version" ]; then
    echo "spark4-check: could not list pyspark versions (pip index versions pyspark); pass one: $0 4.0.5" >&2
    exit 3
  fi
fi
case "$version" in
  4.*) ;;
  *) echo "spark4-check: $version is not a PySpark 4 version" >&2; exit 2 ;;
esac

export TRENDS_PYSPARK_VERSION="$version"
echo "spark4-check: PySpark $version"
timeout 1800 npx trends setup --log-level warn
# The tests read the Spark install from the global setup, which honours TRENDS_PYSPARK_VERSION.
timeout 900 npx vitest run --project integration test/sparkgen "${@:2}"
echo "spark4-check: the Spark step tests pass on PySpark $version"
