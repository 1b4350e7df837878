// Journeys that need no training: the layout at two sizes, the slider readout, a link that
// reproduces a setup (and one with bad values), a setup too sparse to start, a corrupt dataset file.
import { expect, test } from '@playwright/test';

test('the page lays out at 1280x800 and at 400x800', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('gpu-status')).toHaveAttribute('data-selftest', 'ok');
  await expect(page.getByTestId('readout-flops')).toBeVisible();
  await expect(page.getByTestId('start')).toBeEnabled();
  await page.screenshot({ path: 'e2e/artifacts/setup-1280x800.png' });
  await page.screenshot({ path: 'e2e/artifacts/setup-1280-full.png', fullPage: true });

  await page.setViewportSize({ width: 400, height: 800 });
  await expect(page.getByTestId('start')).toBeInViewport();
  // Nothing sticks out sideways on a phone-sized screen.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'e2e/artifacts/setup-400x800.png' });
  await page.screenshot({ path: 'e2e/artifacts/setup-400-full.png', fullPage: true });
});

test('dragging the sparsity slider changes the widths and the FLOP readout', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('transform-sparse-wide').click();
  const summary = page.getByTestId('readout-summary');
  const executed = page.getByTestId('readout-executed');
  const slider = page.getByTestId('sparsity-slider');

  await slider.focus();
  await slider.fill('0.5');
  await expect(page.getByTestId('sparsity-value')).toHaveText('0.50');
  await expect(summary).toContainText('Width 16 → 22');
  const executedAtHalf = await executed.textContent();

  // Drag the thumb with the mouse, as a person does, to just past 0.9: it snaps to 0.9.
  const box = (await slider.boundingBox())!;
  const thumb = 16; // Chromium's range thumb: the value maps onto the track minus the thumb
  const xAt = (value: number) => box.x + thumb / 2 + (value / 0.95) * (box.width - thumb);
  await page.mouse.move(xAt(0.5), box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(xAt(0.905), box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByTestId('sparsity-value')).toHaveText('0.90');
  await expect(summary).toContainText('Width 16 → 50');
  await expect(executed).not.toHaveText(executedAtHalf!);
  // Iso-FLOP: the theoretical forward FLOPs stay at dense while the executed ones grow ~10x.
  await expect(page.getByTestId('readout-flops')).toContainText('1× dense');
  await expect(executed).toContainText(/9\.\d+× dense/);

  await page.getByTestId('transform-sparse-parallel').click();
  await expect(summary).toContainText('10 parallel sparse branches');
  // The URL follows the setup.
  await expect(page).toHaveURL(/transform=sparse-parallel/);
  await expect(page).toHaveURL(/sparsity=0\.9/);
});

test('a link reproduces a setup; bad values fall back with a visible note', async ({ page }) => {
  await page.goto(
    '/#model=gpt-tiny&transform=sparse-doped&sparsity=0.5&method=set&lr=0.002&steps=12&seed=7',
  );
  await expect(page.getByTestId('field-model')).toHaveValue('gpt-tiny');
  await expect(page.getByTestId('transform-sparse-doped')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('sparsity-value')).toHaveText('0.50');
  await expect(page.getByTestId('field-lr')).toHaveValue('0.002');
  await expect(page.getByTestId('field-steps')).toHaveValue('12');
  await expect(page.getByTestId('dataset-current')).toContainText('State of the Union');
  await expect(page.getByTestId('url-notes')).toHaveCount(0);

  // The setup above is saved to IndexedDB first, so the bad link below must win over a restored
  // setup every time (this used to depend on whether the save had landed).
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  // A fresh load of a bad link (about:blank first, so this is not a same-page hash change).
  await page.goto('about:blank');
  await page.goto('/#transform=sparse-spiky&sparsity=1.5&batchSize=abc&steps=20');
  const notes = page.getByTestId('url-notes');
  await expect(notes).toContainText('transform was ignored');
  await expect(notes).toContainText('sparsity was ignored');
  await expect(notes).toContainText('batchSize was ignored');
  // The defaults take their place: Sparse Wide at s = 0.75.
  await expect(page.getByTestId('transform-sparse-wide')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('sparsity-value')).toHaveText('0.75');
  await expect(page.getByTestId('field-steps')).toHaveValue('20');
  await page.screenshot({ path: 'e2e/artifacts/url-fallback-1280x800.png' });

  // Pasting a link into the same tab applies it too.
  await page.evaluate(
    () => (location.hash = '#model=resnet-mini&transform=sparse-factorized&sparsity=0.9&seed=oops'),
  );
  await expect(page.getByTestId('transform-sparse-factorized')).toHaveAttribute(
    'aria-checked',
    'true',
  );
  await expect(notes).toContainText('seed was ignored');
});

test('a setup too sparse to train is refused before Start, with the reason', async ({ page }) => {
  await page.goto('/#model=resnet-mini&transform=sparse-doped&sparsity=0.999');
  await expect(page.getByTestId('readout-memory')).toBeVisible();
  // Doped re-solves W's density after rounding its rank down: at s = 0.999 only the 1x1 shortcut
  // is left with fewer active weights than outputs.
  await expect(page.getByTestId('readout-limit')).toContainText(
    'fewer active weights than outputs (layer3.0.shortcut.0: 32 active for 64 outputs)',
  );
  await expect(page.getByTestId('start')).toBeDisabled();
  await expect(page.getByTestId('start')).toHaveAttribute('title', /This run cannot start/);
  await page.evaluate(
    () => (location.hash = '#model=resnet-mini&transform=sparse-doped&sparsity=0.9'),
  );
  await expect(page.getByTestId('readout-limit')).toHaveCount(0);
  await expect(page.getByTestId('start')).toBeEnabled();
});

test('a mistyped number is named beside its field and blocks Start', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('start')).toBeEnabled();
  await page.getByTestId('field-lr').fill('fast');
  await expect(page.getByText("'fast' is not a number", { exact: true })).toBeVisible();
  await expect(page.getByTestId('start')).toBeDisabled();
  await page.getByTestId('field-lr').fill('0.02');
  await expect(page.getByTestId('start')).toBeEnabled();
});

test('a corrupt dataset file is named next to the dataset picker', async ({ page }) => {
  await page.goto('/');
  // 5000 bytes: not a whole number of CIFAR records.
  await page.getByTestId('dataset-input').setInputFiles({
    name: 'data_batch_1.bin',
    mimeType: 'application/octet-stream',
    buffer: Buffer.alloc(5000, 3),
  });
  const error = page.getByTestId('dataset-error');
  await expect(error).toContainText(
    'data_batch_1.bin is 5,000 bytes, not a whole number of CIFAR records',
  );
  await expect(page.getByTestId('dataset-current')).toContainText('Built-in');

  await page.getByTestId('dataset-input').setInputFiles({
    name: 'cifar-10-binary.tar.gz',
    mimeType: 'application/gzip',
    buffer: Buffer.from('this is not gzip'),
  });
  await expect(error).toContainText('is not a gzip file');
  await page.screenshot({ path: 'e2e/artifacts/corrupt-dataset-1280x800.png' });

  // A good text file switches the model to a text preset and clears the error.
  await page.getByTestId('dataset-input').setInputFiles({
    name: 'poem.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('Shall I compare thee to a summer’s day?\n'.repeat(200)),
  });
  await expect(error).toHaveCount(0);
  await expect(page.getByTestId('dataset-current')).toContainText('poem.txt');
  await expect(page.getByTestId('field-model')).toHaveValue('gpt-tiny');
});
