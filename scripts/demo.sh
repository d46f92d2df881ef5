#!/usr/bin/env bash
# Local mode demo: installs Fashion-MNIST, builds qplat, imports the data, inspects the fixture CNN and
# quantizes it with a preset (default int8; pass another: ./scripts/demo.sh int4).
set -euo pipefail
cd "$(dirname "$0")/.."
spec=${1:-int8}
if [[ ! -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends dataset-fashion-mnist >/dev/null
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Platform.Cli -c Release -v quiet -nologo
qplat() { dotnet src/Platform.Cli/bin/Release/net10.0/qplat.dll "$@"; }
data=artifacts/demo
mkdir -p "$data"
fm=/usr/share/datasets/fashion-mnist
[[ -f $data/calib.npz ]] || qplat data import-idx --images $fm/train-images-idx3-ubyte.gz --labels $fm/train-labels-idx1-ubyte.gz --out $data/calib.npz --count 1000
[[ -f $data/test.npz ]] || qplat data import-idx --images $fm/t10k-images-idx3-ubyte.gz --labels $fm/t10k-labels-idx1-ubyte.gz --out $data/test.npz
qplat inspect tests/fixtures/models/fashion_cnn_bn.onnx
qplat quantize tests/fixtures/models/fashion_cnn_bn.onnx --calib $data/calib.npz --eval $data/test.npz --spec "$spec" --out "$data/$spec"
