#!/usr/bin/env bash
# Runs the engine benchmarks (BenchmarkDotNet; item 5 of docs/benchmarks.md) and writes their table into docs/benchmarks.md
# between the engine:latest markers, with the date, commit, cores and load average. Extra arguments go to BenchmarkDotNet
# (e.g. `bench/engine.sh --job short` for a quicker, noisier run).
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts=bench/bin/engine
rm -rf "$artifacts"
dotnet run -c Release --project bench/MtlsOperator.EngineBench -- --filter '*' --exporters github --artifacts "$artifacts" "$@"
report=$(ls "$artifacts"/results/*-report-github.md | head -n 1)
header="$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git describe --always --dirty), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); BenchmarkDotNet $*"
awk -v header="$header" -v report="$report" '
  /<!-- engine:latest:start -->/ { print; print ""; print header; print ""; while ((getline line < report) > 0) print line; print ""; skip = 1; next }
  /<!-- engine:latest:end -->/ { skip = 0 }
  !skip { print }
' docs/benchmarks.md > docs/benchmarks.md.new
mv docs/benchmarks.md.new docs/benchmarks.md
echo "written to docs/benchmarks.md"
