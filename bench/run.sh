#!/usr/bin/env bash
# Tandem's benchmarks: installs the load generators and the asyncio peers' libraries from Debian,
# builds target/tandem.jar (unless BENCH_TANDEM_JAR names one; not TANDEM_*, which Tandem reads as its settings) and bench/target/tandem-bench.jar, then
# runs bench/run.py. Usage: bench/run.sh [--smoke] [suite ...]; see BENCHMARKS.md.
# bench/run.sh --install only installs the tools (./test installs the same packages before the tests).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v h2load >/dev/null 2>&1 || need+=(nghttp2-client)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
command -v curl >/dev/null 2>&1 || need+=(curl)
[ -x /usr/bin/python3 ] || need+=(python3)
/usr/bin/python3 -c 'import aiohttp' >/dev/null 2>&1 || need+=(python3-aiohttp)
/usr/bin/python3 -c 'import uvloop' >/dev/null 2>&1 || need+=(python3-uvloop)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ "${1:-}" = "--install" ] && exit 0

if [ -z "${BENCH_TANDEM_JAR:-}" ]; then
  mvn -B -q -DskipTests package
fi
mvn -B -q -Dmaven.test.skip=true -f bench/pom.xml package

exec /usr/bin/python3 bench/run.py "$@"
