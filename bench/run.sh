#!/usr/bin/env bash
# Runs the scale benchmark (docs/benchmarks.md): builds the operator and the bench in Release, then runs the real
# operator process against the test API server. `bench/run.sh --quick` is N = 1,000 only; with no size option it runs
# 1,000 / 10,000 / 30,000. Other options: bench/run.sh --help. Results go to docs/benchmarks.md (latest run section;
# --label TEXT also appends them to its history).
set -euo pipefail
cd "$(dirname "$0")/.."
# The operator as the image ships it: published for this machine's runtime, so ahead-of-time compiled (ReadyToRun).
dotnet publish src/MtlsOperator -c Release --use-current-runtime --self-contained false -o bench/bin/operator --nologo -v q -clp:ErrorsOnly
dotnet build bench/MtlsOperator.Bench -c Release --nologo -v q -clp:ErrorsOnly
exec dotnet bench/MtlsOperator.Bench/bin/Release/net10.0/MtlsOperator.Bench.dll \
  --operator bench/bin/operator/mtls-operator.dll --results docs/benchmarks.md "$@"
