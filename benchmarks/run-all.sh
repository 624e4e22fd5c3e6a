#!/bin/sh
# Runs the C# and the scikit-image benchmarks in one sitting (see docs/performance.md).
# Usage: benchmarks/run-all.sh [OUTPUT_DIR]   (default: BenchmarkDotNet.Artifacts/sitting-<time>)
set -eu
cd "$(dirname "$0")/.."
out=${1:-BenchmarkDotNet.Artifacts/sitting-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
images="$out/images"
{
  echo "start: $(date -Is) load: $(cat /proc/loadavg)"
  dotnet run -c Release --project benchmarks/RestoreBench.Benchmarks -- --write-images "$images"
  echo "python (before): load $(cat /proc/loadavg)"
  /usr/bin/python3 benchmarks/reference/skimage_bench.py "$images"
  echo "BenchmarkDotNet: load $(cat /proc/loadavg)"
} 2>&1 | tee "$out/sitting.log"
dotnet run -c Release --project benchmarks/RestoreBench.Benchmarks -- --filter '*' --artifacts "$out/bdn" 2>&1 | tee "$out/bdn.log"
# The blur through the public API without BenchmarkDotNet's forced full GCs between iterations (docs/performance.md, †).
dotnet run -c Release --project benchmarks/RestoreBench.Benchmarks -- --filter '*DegradationBenchmarks.GaussianBlur*' --noForcedGCs --artifacts "$out/bdn-noforcedgcs" 2>&1 | tee "$out/bdn-noforcedgcs.log"
{
  echo "python (after): load $(cat /proc/loadavg)"
  /usr/bin/python3 benchmarks/reference/skimage_bench.py "$images"
  echo "end: $(date -Is) load: $(cat /proc/loadavg)"
} 2>&1 | tee -a "$out/sitting.log"
