// A sweep on the real engine in the training worker: started from the sweep form, the page is
// reloaded while it runs, and the sweep goes on from IndexedDB to the chart and the table. Tiny runs
// (resnet-mini, batch 8, 6 steps), since SwiftShader is slow.
import { expect, test } from '@playwright/test';

test.setTimeout(900_000);
const sweepTimeout = { timeout: 780_000 };

const tiny =
  'model=resnet-mini&batchSize=8&steps=6&evalEvery=6&evalSamples=32&metricsEvery=1&updateInterval=2';

test('a sweep survives a reload and finishes with its chart and table', async ({ page }) => {
  await page.goto(`/#${tiny}`);
  await expect(page.getByTestId('gpu-status')).toHaveAttribute('data-selftest', 'ok');
  const panel = page.getByTestId('sweep-panel');
  await panel.getByTestId('sweep-sparsities').fill('0.5');
  await panel.getByTestId('sweep-seeds').fill('2');
  await panel.getByTestId('sweep-method-rigl').uncheck();
  await panel.getByTestId('sweep-method-static').check();
  await panel.getByTestId('sweep-start').click();
  const progress = panel.getByTestId('sweep-progress');
  await expect(progress).toContainText('running: 0 of 4 runs');
  await expect(progress).toContainText('running: 1 of 4 runs', sweepTimeout);

  await page.reload();
  await expect(page.getByTestId('gpu-status')).toHaveAttribute('data-selftest', 'ok');
  // The first result came back from IndexedDB; the sweep goes on by itself.
  await expect(progress).toContainText(/running: [1-3] of 4 runs/);
  await expect(progress).toContainText('done: 4 of 4 runs', sweepTimeout);

  const table = panel.getByTestId('sweep-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table.locator('tbody tr').nth(0)).toHaveAttribute('data-verdict', 'baseline');
  await expect(table.locator('tbody tr').nth(1)).toHaveAttribute(
    'data-verdict',
    /^(better|worse|within-noise)$/,
  );
  await expect(table.locator('tbody tr').nth(1)).toContainText('sparse-wide');
  // n = 2 per cell: mean ± std exist for both.
  await expect(table.locator('tbody tr').nth(0).locator('td').nth(5)).toHaveText('2');
  await expect(table.locator('tbody tr').nth(1).locator('td').nth(5)).toHaveText('2');
  const chart = panel.getByTestId('sweep-chart');
  await expect(chart.locator('.recharts-line')).toHaveCount(1);
  await expect(chart.locator('.recharts-errorBar')).toHaveCount(1);
  await expect(chart.locator('.recharts-reference-line')).toHaveCount(1);

  const csv = page.waitForEvent('download');
  await panel.getByTestId('sweep-export-csv').click();
  expect((await csv).suggestedFilename()).toBe('sweep-resnet-mini.csv');
  await page.screenshot({ path: 'e2e/artifacts/sweep-done-1280x800.png', fullPage: true });
});
