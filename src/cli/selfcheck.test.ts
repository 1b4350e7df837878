// The selfcheck command's argument handling, before any GPU work (the cases themselves run in
// src/train/step-check.gpu.test.ts).
import { describe, expect, it } from 'vitest';
import { captureIo } from '../testing/cli-capture';
import { main } from './selfcheck';

describe('selfcheck command', () => {
  it('refuses an --only that matches no case, and unknown flags, with exit code 2', async () => {
    const a = captureIo();
    expect(await main(['--only', 'no-such-model'], a.io)).toBe(2);
    expect(a.err.join('')).toContain('matches no case');
    const b = captureIo();
    expect(await main(['--fast'], b.io)).toBe(2);
    const c = captureIo();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('--only');
  });
});
