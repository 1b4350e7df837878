// Journeys on the real engine in the training worker (Chromium + SwiftShader: slow, so every run
// is tiny: resnet-mini or gpt-tiny, batch 8, a handful of steps).
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';

test.setTimeout(600_000);
const runTimeout = { timeout: 480_000 };

// One evaluation, at the end, on 32 held-out samples: SwiftShader is slow.
const tiny =
  'batchSize=8&steps=6&evalEvery=6&evalSamples=32&metricsEvery=1&updateInterval=2&endFraction=0.75';
const rows = (page: Page) => page.getByTestId('run-row');

async function open(page: Page, hash: string) {
  await page.goto(`/#${hash}`);
  await expect(page.getByTestId('gpu-status')).toHaveAttribute('data-selftest', 'ok');
}

test('a tiny run trains in the worker: chart points appear and the run finishes', async ({
  page,
}) => {
  await open(page, `model=resnet-mini&transform=sparse-wide&sparsity=0.5&method=rigl&${tiny}`);
  await page.getByTestId('start').click();
  await expect(page.getByTestId('loss-chart').locator('.recharts-line-curve')).toHaveCount(
    1,
    runTimeout,
  );
  await expect(page.getByTestId('progress')).toContainText('samples/s');
  await page.screenshot({ path: 'e2e/artifacts/training-live-1280x800.png' });
  await expect(rows(page)).toHaveAttribute('data-state', 'done', runTimeout);
  // One evaluation (at the end) is one point per run: a dot on the accuracy-vs-FLOPs chart.
  await expect(page.getByTestId('metric-chart').locator('.recharts-line')).toHaveCount(1);
  await expect(page.getByTestId('metric-chart').locator('.recharts-line-dot')).toHaveCount(1);
  await expect(page.getByTestId('run-metric')).toHaveText(/^\d+\.\d%$/);
  await expect(
    page.getByTestId('density-chart').locator('.recharts-bar-rectangle').first(),
  ).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/training-done-1280x800.png' });
});

test('two transforms at the same FLOP budget run one after the other and compare', async ({
  page,
}) => {
  await open(page, `model=resnet-mini&transform=dense&sparsity=0&${tiny}`);
  await page.getByTestId('start').click();
  await page.getByTestId('transform-sparse-parallel').click();
  await page.getByTestId('sparsity-slider').fill('0.5');
  await page.getByTestId('start').click();
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).nth(1)).toHaveAttribute('data-state', 'queued');
  await expect(rows(page).nth(1)).toHaveAttribute('data-state', 'done', runTimeout);
  await expect(rows(page).nth(0)).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('loss-chart').locator('.recharts-line-curve')).toHaveCount(2);
  await expect(page.getByTestId('metric-chart').locator('.recharts-line-dot')).toHaveCount(2);
  await page.screenshot({ path: 'e2e/artifacts/training-compare-1280x800.png', fullPage: true });
  await page.setViewportSize({ width: 400, height: 800 });
  await page.screenshot({ path: 'e2e/artifacts/training-compare-400x800.png' });
});

test('export weights: the safetensors header lists weights and masks with sizes that add up; import evaluates it', async ({
  page,
}) => {
  await open(
    page,
    `model=resnet-mini&transform=sparse-factorized&sparsity=0.5&method=static&${tiny}`,
  );
  await page.getByTestId('start').click();
  await expect(rows(page)).toHaveAttribute('data-state', 'done', runTimeout);

  const weightsDownload = page.waitForEvent('download', (d) =>
    d.suggestedFilename().endsWith('.safetensors'),
  );
  const configDownload = page.waitForEvent('download', (d) =>
    d.suggestedFilename().endsWith('.config.json'),
  );
  await page.getByTestId('export-weights').click();
  const [weights, config] = await Promise.all([weightsDownload, configDownload]);
  const bytes = await readFile((await weights.path())!);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const tensors = Object.entries(header).filter(([name]) => name !== '__metadata__');
  const itemBytes: Record<string, number> = { F32: 4, I32: 4, U8: 1 };
  let end = 0;
  for (const [name, t] of tensors) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    expect(t.data_offsets[1] - t.data_offsets[0], name).toBe(numel * itemBytes[t.dtype]);
    end = Math.max(end, t.data_offsets[1]);
  }
  expect(bytes.length).toBe(8 + headerLength + end);
  const masks = tensors.filter(([name]) => name.endsWith('_mask'));
  expect(masks.length).toBeGreaterThan(0);
  for (const [, t] of masks) expect(t.dtype).toBe('U8');
  const configJson = JSON.parse(await readFile((await config.path())!, 'utf8')) as {
    run: { transform: string; sparsity: number };
  };
  expect(configJson.run).toMatchObject({ transform: 'sparse-factorized', sparsity: 0.5 });

  await page.getByTestId('import-input').setInputFiles([
    { name: 'exported.safetensors', mimeType: 'application/octet-stream', buffer: bytes },
    {
      name: 'exported.config.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(configJson)),
    },
  ]);
  await expect(page.getByTestId('import-card')).toContainText(`${tensors.length} tensors`);
  await page.getByRole('button', { name: 'Evaluate' }).click();
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).nth(1)).toHaveAttribute('data-state', 'done', runTimeout);
  await expect(rows(page).nth(1).getByTestId('run-metric')).toHaveText(/^\d+\.\d%$/);
});

test('a reload shows the same runs and charts', async ({ page }) => {
  await open(
    page,
    `model=gpt-tiny&transform=sparse-doped&sparsity=0.5&method=set&optimizer=adamw&lr=0.003&${tiny}`,
  );
  await page.getByTestId('start').click();
  await expect(rows(page)).toHaveAttribute('data-state', 'done', runTimeout);
  await expect(page.getByTestId('metric-chart')).toContainText('Bits per char');
  const metric = await page.getByTestId('run-metric').textContent();
  expect(metric).toMatch(/bpc$/);
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await page.reload();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page)).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('run-metric')).toHaveText(metric!);
  await expect(page.getByTestId('loss-chart').locator('.recharts-line-curve')).toHaveCount(1);
});
