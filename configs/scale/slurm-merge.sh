#!/bin/bash
# Merge the shard stores of OUT into OUT/results.db and print the summary (docs/scale.md).
#   sbatch --dependency=afterany:ARRAY_JOBID configs/scale/slurm-merge.sh /shared/restorebench/runs/div2k
#SBATCH --job-name=restorebench-merge
#SBATCH --cpus-per-task=1
#SBATCH --mem=4G
#SBATCH --time=1:00:00
#SBATCH --output=restorebench-merge-%j.log
set -euo pipefail
OUT=${1:?usage: slurm-merge.sh OUT}
restorebench results merge "$OUT"
restorebench results summary "$OUT"
restorebench results export "$OUT" --csv -o "$OUT/results.csv"
