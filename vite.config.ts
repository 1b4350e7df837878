/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    // bench.html: the browser half of `npm run bench` (src/bench/browser-bench.ts).
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  test: {
    // Two cores and a software GPU: one forked worker, generous timeouts.
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/**/*.gpu.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'gpu', include: ['src/**/*.gpu.test.ts'] },
      },
    ],
  },
});
