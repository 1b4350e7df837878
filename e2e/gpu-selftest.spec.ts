import { expect, test } from '@playwright/test';

test('the built page finds WebGPU and runs a matmul on it that matches the CPU', async ({
  page,
}) => {
  await page.goto('/');
  const status = page.getByTestId('gpu-status');
  await expect(status).toBeVisible();
  await expect(status).toHaveAttribute('data-selftest', 'ok');
  await expect(status).toContainText('self-test passed');
  await expect(status).toHaveAttribute('title', /max \|GPU − CPU\| = \d/);
});

test('without WebGPU the page explains which browsers work', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await page.goto('/');
  await expect(page.getByTestId('no-webgpu')).toContainText('Chrome or Edge');
});
