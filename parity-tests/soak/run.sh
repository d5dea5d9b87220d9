#!/usr/bin/env bash
# Soak test (outside CI: it takes a few minutes): 100,000 steps of the disk spec on both engines;
# resident memory and TorchSharp's live tensors must stay flat within 5 %. Writes its figures into
# docs/results.md's "Memory over 100,000 steps" section. Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run --project src/Parity.Cli -c Release -- soak parity-tests/specs/disk-relu-mse.yaml --steps 100000 --readme docs/results.md
