// The playground's journeys against a scripted worker (e2e/scripted-worker.ts): the same page,
// with the engine replaced by made-up numbers, so charts, queue, table, export, persistence and
// the heatmap are checked in seconds. training.spec.ts runs the same journeys on the real engine.
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { installScriptedWorker } from './scripted-worker';

test.beforeEach(async ({ page }) => {
  await page.addInitScript(installScriptedWorker);
});

async function open(page: Page, hash = '#transform=sparse-wide&sparsity=0.9&steps=60&batchSize=8') {
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('gpu-status')).toHaveAttribute('data-selftest', 'ok');
}

const rows = (page: Page) => page.getByTestId('run-row');

/** Two finished runs: Sparse Parallel, then Sparse Doped (the one the worker still holds). */
async function finishParallelThenDoped(page: Page) {
  await open(page, '#transform=sparse-parallel&sparsity=0.75&steps=20&batchSize=8');
  await page.getByTestId('start').click();
  await expect(rows(page)).toHaveAttribute('data-state', 'done');
  await page.getByTestId('transform-sparse-doped').click();
  await page.getByTestId('start').click();
  await expect(rows(page).nth(1)).toHaveAttribute('data-state', 'done');
}

test('start a run: progress, loss line, accuracy-vs-FLOPs line, densities and a heatmap appear', async ({
  page,
}) => {
  await open(page, '#transform=sparse-wide&sparsity=0.9&steps=400&batchSize=8');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('progress')).toContainText('running');
  await expect(page.getByTestId('loss-chart').locator('.recharts-line-curve')).toHaveCount(1);
  await expect(page.getByTestId('metric-chart').locator('.recharts-line-curve')).toHaveCount(1);
  await expect(
    page.getByTestId('density-chart').locator('.recharts-bar-rectangle').first(),
  ).toBeVisible();
  const canvas = page.getByTestId('heatmap-canvas');
  await expect(canvas).toBeVisible();
  // The heatmap follows the run: its step moves on as new mask stats arrive.
  const firstStep = Number(await canvas.getAttribute('data-step'));
  await expect
    .poll(async () => Number(await canvas.getAttribute('data-step')))
    .toBeGreaterThan(firstStep);

  await page.getByTestId('pause').click();
  await expect(page.getByTestId('progress')).toContainText('paused');
  const stepWhilePaused = await page.getByTestId('progress-step').textContent();
  await page.waitForTimeout(300);
  await expect(page.getByTestId('progress-step')).toHaveText(stepWhilePaused!);
  await page.getByTestId('resume').click();
  await expect(page.getByTestId('progress')).toContainText('running');
  await page.screenshot({ path: 'e2e/artifacts/scripted-running-1280x800.png' });
  await page.getByTestId('stop').click();
  await expect(rows(page)).toHaveAttribute('data-state', 'stopped');
});

test('queue all transforms at one sparsity and compare them in charts and the table', async ({
  page,
}) => {
  await open(page, '#transform=sparse-wide&sparsity=0.9&steps=200&batchSize=8');
  await page.getByTestId('queue-all').click();
  await expect(rows(page)).toHaveCount(5);
  // One at a time: while the first trains (held by a pause, so a loaded machine cannot let it
  // finish before the check), the other four wait.
  await page.getByTestId('pause').click();
  await expect(rows(page).first()).toHaveAttribute('data-state', 'paused');
  await expect(page.locator('[data-testid=run-row][data-state=queued]')).toHaveCount(4);
  await page.getByTestId('resume').click();
  await expect(page.locator('[data-testid=run-row][data-state=done]')).toHaveCount(5, {
    timeout: 60_000,
  });
  await expect(page.getByTestId('loss-chart').locator('.recharts-line-curve')).toHaveCount(5);
  await expect(page.getByTestId('metric-chart').locator('.recharts-line-curve')).toHaveCount(5);
  const names = await page.getByTestId('run-name').allTextContents();
  expect(names).toEqual([
    'Dense · resnet-mini',
    'Sparse Wide · s 0.9 · RigL',
    'Sparse Parallel · s 0.9 · RigL',
    'Sparse Factorized · s 0.9 · RigL',
    'Sparse Doped · s 0.9 · RigL',
  ]);
  for (const metric of await page.getByTestId('run-metric').allTextContents())
    expect(metric).toMatch(/^\d+\.\d%$/);
  await page.getByTestId('log-axis').uncheck();
  await expect(page.getByTestId('metric-chart').locator('.recharts-line-curve')).toHaveCount(5);
  await page.getByTestId('log-axis').check();
  // Selecting a row points the density chart and heatmap at that run.
  await rows(page).nth(2).click();
  await expect(page.getByTestId('density-chart')).toContainText('Sparse Parallel');
  await expect(page.getByTestId('density-chart')).toContainText('layer1.0.conv1.branches.0');
  await page.screenshot({ path: 'e2e/artifacts/scripted-compare-1280x800.png' });
  await page.screenshot({ path: 'e2e/artifacts/scripted-compare-1280-full.png', fullPage: true });
  await page.setViewportSize({ width: 400, height: 800 });
  await page.screenshot({ path: 'e2e/artifacts/scripted-compare-400-full.png', fullPage: true });
});

test('rename, delete, reload: the runs and their charts come back from IndexedDB', async ({
  page,
}) => {
  await finishParallelThenDoped(page);

  await rows(page).first().hover();
  await page.getByRole('button', { name: /^Rename Sparse Parallel/ }).click();
  await page.getByTestId('rename-input').fill('parallel baseline');
  await page.getByTestId('rename-input').press('Enter');
  await expect(page.getByTestId('run-name').first()).toHaveText('parallel baseline');
  await page.getByRole('button', { name: /^Delete Sparse Doped/ }).click();
  await expect(rows(page)).toHaveCount(1);
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  await page.reload();
  await expect(rows(page)).toHaveCount(1);
  await expect(page.getByTestId('run-name')).toHaveText('parallel baseline');
  await expect(rows(page)).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('loss-chart').locator('.recharts-line-curve')).toHaveCount(1);
  // The setup came back from the URL.
  await expect(page.getByTestId('transform-sparse-doped')).toHaveAttribute('aria-checked', 'true');
});

test('export metrics as CSV and weights as .safetensors + config.json', async ({ page }) => {
  await open(page, '#transform=sparse-wide&sparsity=0.5&steps=20&batchSize=8');
  await page.getByTestId('start').click();
  await expect(rows(page)).toHaveAttribute('data-state', 'done');

  const csvDownload = page.waitForEvent('download');
  await page.getByTestId('export-all-csv').click();
  const csv = await readFile((await (await csvDownload).path())!, 'utf8');
  const lines = csv.trim().split('\n');
  expect(lines[0]).toMatch(/^run,model,transform,sparsity,method,step,trainingFlops/);
  expect(lines).toHaveLength(21);
  expect(lines[20]).toMatch(/^Sparse Wide · s 0\.5 · RigL,resnet-mini,sparse-wide,0\.5,rigl,20,/);

  const downloads: Promise<import('@playwright/test').Download>[] = [
    page.waitForEvent('download'),
    page.waitForEvent('download', (d) => d.suggestedFilename().endsWith('.json')),
  ];
  await page.getByTestId('export-weights').click();
  const [weights, config] = await Promise.all(downloads);
  expect(weights.suggestedFilename()).toBe('sparse-wide-s-0.5-rigl.safetensors');
  expect(config.suggestedFilename()).toBe('sparse-wide-s-0.5-rigl.config.json');
  const bytes = await readFile((await weights.path())!);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { data_offsets: [number, number] }
  >;
  expect(Object.keys(header)).toContain('layer1.0.conv1.weight_mask');
  const end = Math.max(...Object.values(header).map((t) => t.data_offsets[1]));
  expect(bytes.length).toBe(8 + headerLength + end);
});

test('every finished run keeps its weights: an older run exports after a newer one, also after a reload', async ({
  page,
}) => {
  await finishParallelThenDoped(page);
  await expect(page.getByTestId('stored-weights')).toContainText('Weights of 2 runs kept');

  const exportOlder = async () => {
    const downloads = [
      page.waitForEvent('download', (d) => d.suggestedFilename().endsWith('.safetensors')),
      page.waitForEvent('download', (d) => d.suggestedFilename().endsWith('.config.json')),
    ];
    // The worker holds only the newer run: the older one's weights come from the browser's copy.
    await rows(page).nth(0).getByTestId('export-weights').click();
    const [weights, config] = await Promise.all(downloads);
    expect(weights.suggestedFilename()).toBe('sparse-parallel-s-0.75-rigl.safetensors');
    expect(config.suggestedFilename()).toBe('sparse-parallel-s-0.75-rigl.config.json');
    const bytes = await readFile((await weights.path())!);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as object;
    expect(Object.keys(header)).toContain('layer1.0.conv1.weight_mask');
    const json = JSON.parse(await readFile((await config.path())!, 'utf8')) as {
      run: { transform: string };
    };
    expect(json.run.transform).toBe('sparse-parallel');
  };
  await exportOlder();

  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await page.reload();
  await expect(rows(page)).toHaveCount(2);
  await exportOlder();

  // Continue loads the kept weights into the Checkpoint panel.
  await rows(page).nth(0).getByTestId('continue-weights').click();
  await expect(page.getByTestId('import-card')).toContainText('2 tensors');

  await page.getByTestId('free-weights').click();
  await expect(page.getByTestId('stored-weights')).toHaveCount(0);
  await expect(rows(page).nth(0).getByTestId('export-weights')).toBeDisabled();
});

test('import: a broken safetensors file is named next to the import button', async ({ page }) => {
  await open(page);
  await page.getByTestId('import-input').setInputFiles([
    {
      name: 'run.safetensors',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]),
    },
    {
      name: 'run.config.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format":"sift-playground/1"}'),
    },
  ]);
  await expect(page.getByTestId('import-error')).toContainText('run.safetensors');
  await page
    .getByTestId('import-input')
    .setInputFiles([
      { name: 'only.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.alloc(16) },
    ]);
  await expect(page.getByTestId('import-error')).toContainText('Choose both files');
});

test('a diverging run is stopped as diverged on its row, and the queue goes on', async ({
  page,
}) => {
  await open(page, '#transform=sparse-wide&sparsity=0.5&steps=40&batchSize=8&lr=5');
  await page.getByTestId('start').click();
  await page.getByTestId('field-lr').fill('0.05');
  await page.getByTestId('start').click();
  await expect(rows(page).first()).toHaveAttribute('data-state', 'diverged');
  await expect(rows(page).first()).toContainText('diverged');
  await expect(rows(page).first().getByTestId('run-error')).toContainText('NaN at step 10');
  await expect(rows(page).nth(1)).toHaveAttribute('data-state', 'done');
  // What was recorded before the NaN stays in the chart.
  await expect(page.getByTestId('loss-chart').locator('.recharts-line-curve')).toHaveCount(2);
});

test('a lost GPU: banner, nothing recorded is lost, resume from the last checkpoint', async ({
  page,
}) => {
  await open(page, '#transform=sparse-wide&sparsity=0.5&steps=400&batchSize=8');
  await page.getByTestId('start').click();
  await expect
    .poll(async () => Number(await page.getByTestId('progress-step').textContent()))
    .toBeGreaterThan(45);
  await page.evaluate(() => (window as unknown as { loseDevice: () => void }).loseDevice());
  const banner = page.getByTestId('device-lost');
  await expect(banner).toContainText('The GPU was lost');
  await expect(rows(page)).toHaveAttribute('data-state', 'interrupted');
  await expect(page.getByTestId('loss-chart').locator('.recharts-line-curve')).toHaveCount(1);
  await page.screenshot({ path: 'e2e/artifacts/scripted-device-lost-1280x800.png' });
  await banner.getByRole('button', { name: 'Resume from last checkpoint' }).click();
  await expect(banner).toHaveCount(0);
  await expect(rows(page)).toHaveAttribute('data-state', 'running');
  await expect
    .poll(async () => Number(await page.getByTestId('progress-step').textContent()))
    .toBeGreaterThan(60);
});

test('without WebGPU the settings and the FLOP readout still work', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await page.goto('/');
  await expect(page.getByTestId('no-webgpu')).toBeVisible();
  await expect(page.getByTestId('start')).toBeDisabled();
  await page.getByTestId('transform-sparse-wide').click();
  await expect(page.getByTestId('readout-summary')).toContainText('Width 16');
  await page.screenshot({ path: 'e2e/artifacts/no-webgpu-1280x800.png' });
});
