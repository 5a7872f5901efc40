#!/usr/bin/env bash
# The project's test command (the README's second command runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
export GAN_DATA_DIR="${GAN_DATA_DIR:-$(cd .. && pwd)/shared/data}"
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}"
python -m pytest -q "$@"
