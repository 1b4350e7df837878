// The first minute of a new user on a software adapter (Chromium's WebGPU on SwiftShader, a CPU
// emulation): a notice says so, the setup starts smaller, the badge speaks plain words, the
// density chart fills at step 0 and the first loss point follows within seconds. Prints the time
// from Start to the first loss point (a measurement, not an assertion on speed).
import { expect, test } from '@playwright/test';

test.setTimeout(300_000);

test('software adapter: notice, smaller defaults, plain badge, densities at step 0, a first loss point soon', async ({
  page,
}) => {
  await page.goto('/');
  const badge = page.getByTestId('gpu-status');
  await expect(badge).toHaveAttribute('data-selftest', 'ok', { timeout: 60_000 });
  await expect(badge).toHaveAttribute('data-software', 'true');
  await expect(badge).toContainText('self-test passed');
  await expect(badge).toContainText('CPU emulation');
  await expect(badge).toHaveAttribute('title', /max \|GPU − CPU\|/);

  const notice = page.getByTestId('software-notice');
  await expect(notice).toContainText('CPU emulation');
  await expect(notice).toContainText('batch 8');
  await expect(page.getByTestId('field-batchSize')).toHaveValue('8');

  const started = Date.now();
  await page.getByTestId('start').click();
  await expect(
    page.getByTestId('density-chart').locator('.recharts-bar-rectangle').first(),
  ).toBeVisible({ timeout: 120_000 });
  const densitySeconds = (Date.now() - started) / 1000;
  // Before any evaluation: the densities came from step 0.
  await expect(page.getByTestId('density-chart')).toContainText('step 0');
  await expect(page.getByTestId('loss-chart').locator('.recharts-line-curve')).toHaveCount(1, {
    timeout: 240_000,
  });
  const lossSeconds = (Date.now() - started) / 1000;
  console.log(
    `first minute on SwiftShader: densities after ${densitySeconds.toFixed(1)} s, ` +
      `first loss point after ${lossSeconds.toFixed(1)} s`,
  );
  await page.screenshot({ path: 'e2e/artifacts/first-minute-1280x800.png' });
  await page.getByTestId('stop').click();

  await notice.getByRole('button', { name: 'Use GPU-sized settings' }).click();
  await expect(page.getByTestId('field-batchSize')).toHaveValue('32');
});
