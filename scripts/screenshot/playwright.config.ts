// Re-takes docs/screenshot.png on the real engine (Chromium's WebGPU, SwiftShader where there is
// no GPU): `npm run build && npx playwright test -c scripts/screenshot`. Not part of `npm test`.
import { defineConfig } from '@playwright/test';
import e2e from '../../e2e/playwright.config';

export default defineConfig({
  ...e2e,
  testDir: '.',
  outputDir: '../../test-results/screenshot',
  timeout: 900_000,
  webServer: { ...e2e.webServer!, cwd: '../..' } as NonNullable<typeof e2e.webServer>,
});
