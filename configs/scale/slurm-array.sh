#!/bin/bash
# Slurm job array: one shard of the experiment per array task (docs/scale.md).
#   sbatch --array=1-8 configs/scale/slurm-array.sh configs/paper-div2k.yaml /shared/restorebench/runs/div2k
# then, when all tasks have ended (whatever their exit code):
#   sbatch --dependency=afterany:JOBID configs/scale/slurm-merge.sh /shared/restorebench/runs/div2k
# Array task ids must be 1..N (shards are 1-based); N is the array size.
#SBATCH --job-name=restorebench
#SBATCH --cpus-per-task=8
#SBATCH --mem=16G
#SBATCH --time=24:00:00
#SBATCH --output=restorebench-%A_%a.log
set -euo pipefail

SPEC=${1:?usage: slurm-array.sh SPEC OUT}
OUT=${2:?usage: slurm-array.sh SPEC OUT}
: "${SLURM_ARRAY_TASK_ID:?submit with sbatch --array=1-N}"
N=${SLURM_ARRAY_TASK_COUNT:-$((SLURM_ARRAY_TASK_MAX - SLURM_ARRAY_TASK_MIN + 1))}

# Catalog models: one cache on shared storage, filled once before submitting
# (restorebench models pull NAME ...), so that shards never download concurrently.
export RESTOREBENCH_HOME=${RESTOREBENCH_HOME:-$(dirname "$OUT")/restorebench-cache}

# Every shard writes its own store (OUT/results-shard-i-of-N.db) and its own items' images into OUT.
# A requeued or re-submitted task resumes: it computes only what its store lacks.
# Exit codes: 0 done, 1 some items failed (recorded; a re-run retries them), 2 usage error.
exec restorebench run "$SPEC" --out "$OUT" --shard "${SLURM_ARRAY_TASK_ID}/${N}" --threads "${SLURM_CPUS_PER_TASK:-0}"
