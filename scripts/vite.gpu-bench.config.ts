// Build of the CLI for a GPU machine without node_modules (scripts/gpu-bundle.sh): everything,
// TensorFlow.js included (the bench's Node peer), inlined into one bundle; only `webgpu` (Dawn's
// native module, shipped beside it by ../shared/gpu/make-bundle.sh) stays external.
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  ssr: { noExternal: true, external: ['webgpu'] },
  build: { target: 'node20', ssr: true },
});
