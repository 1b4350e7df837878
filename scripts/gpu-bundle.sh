#!/usr/bin/env bash
# Prepare .gpu/ (git-ignored, ~35 MB) for one measuring session on a GPU machine without Node or
# network: the kit ../shared/gpu/make-bundle.sh builds (Node binary, Dawn's dawn.node, built-in
# data, the Vulkan loader debs, its run.sh), but with the CLI built by
# scripts/vite.gpu-bench.config.ts (TensorFlow.js inlined, for the bench's Node peer), plus
# scripts/gpu-measure.sh and scripts/torch-matmul.py. Self-contained because make-bundle.sh
# writes .git/info/exclude, which fails in a git worktree (.git is a file there).
# Then, on the GPU machine, from the repository root:  OUT=/abs/out bash .gpu/run.sh gpu-measure.sh
# Dry run here on SwiftShader (run.sh finds no NVIDIA driver here and would stop): unpack by hand,
#   mkdir /tmp/kit && tar -xJf .gpu/app.tar.xz -C /tmp/kit && cd /tmp/kit/app &&
#   PATH=$PWD:$PATH GPU_KIT=<repo>/.gpu OUT=/tmp/gpu-out SIFT_MEASURE_QUICK=1 bash <repo>/.gpu/gpu-measure.sh
set -euo pipefail
root=$(git rev-parse --show-toplevel); cd "$root"
shared=${SIFT_SHARED:-$root/../shared}
stage=$(mktemp -d); app="$stage/app"; w=node_modules/webgpu
mkdir -p "$app/$w/dist/linux-x64" "$app/public" "$app/scripts"
npm run -s prepare-data >/dev/null
npx vite build --ssr src/cli/main.ts --config scripts/vite.gpu-bench.config.ts \
  --outDir "$app/dist-cli" --emptyOutDir --logLevel error
cp -r public/data "$app/public/"; cp public/*.py "$app/public/" 2>/dev/null || true
cp scripts/torch-matmul.py "$app/scripts/"
cp "$w/index.js" "$w/package.json" "$app/$w/"; cp "$w/dist/linux-x64/dawn.node" "$app/$w/dist/linux-x64/"
echo '{"type":"module"}' > "$app/package.json"
cp "$(readlink -f "$(command -v node)")" "$app/node"
rm -rf .gpu; mkdir -p .gpu/debs
(cd .gpu/debs && apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 2>/dev/null) \
  || { apt-get update -qq && (cd .gpu/debs && apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2); }
tar -C "$stage" -cf - app | xz -T0 -6 > .gpu/app.tar.xz
cp "$shared/gpu/run.sh" scripts/gpu-measure.sh .gpu/
rm -rf "$stage"
du -sh .gpu
