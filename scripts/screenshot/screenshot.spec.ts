// docs/screenshot.png (run from the repository root): Dense and the four SIFT transforms at s = 0.5 on resnet-mini, queued with
// one click and trained in the page's worker. Tiny runs (batch 8, 12 steps, an evaluation every 4)
// so that it finishes on SwiftShader in minutes; the numbers are real, just early.
import { expect, test } from '@playwright/test';

test('the README screenshot: every transform at one sparsity', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(
    '/#model=resnet-mini&transform=sparse-parallel&sparsity=0.5&method=rigl&batchSize=8&steps=12' +
      '&evalEvery=4&evalSamples=64&metricsEvery=1&updateInterval=4&endFraction=0.75',
  );
  await expect(page.getByTestId('gpu-status')).toHaveAttribute('data-selftest', 'ok', {
    timeout: 120_000,
  });
  const notice = page.getByTestId('software-notice');
  if (await notice.isVisible()) await notice.getByRole('button', { name: 'dismiss' }).click();
  await page.getByRole('button', { name: /Queue all transforms/ }).click();
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(5);
  for (let i = 0; i < 5; i++)
    await expect(rows.nth(i)).toHaveAttribute('data-state', 'done', { timeout: 840_000 });
  // The density chart and heatmap follow the selected run: a Sparse Parallel one has branches.
  await rows.nth(2).click();
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible();
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: 'docs/screenshot.png', fullPage: true });
});
