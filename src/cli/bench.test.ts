import { describe, expect, it } from 'vitest';
import type { BrowserBenchResults } from '../bench/report';
import { captureIo as io } from '../testing/cli-capture';
import { main, summarise, type NodeBenchResults } from './bench';

describe('bench command', () => {
  it('rejects contradictory or unknown options before touching the GPU', async () => {
    const a = io();
    expect(await main(['--node-only', '--browser-only'], a.io)).toBe(2);
    expect(a.err.join('')).toContain('exclude each other');
    const b = io();
    expect(await main(['--fast'], b.io)).toBe(2);
    const c = io();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('--node-only');
  });

  it('rejects bad --sizes before touching the GPU', async () => {
    const a = io();
    expect(await main(['--sizes', '256,abc'], a.io)).toBe(2);
    expect(a.err.join('')).toContain('--sizes');
  });

  it('reports the Node half (ours, TF.js on the same adapter, torch) with Chromium beside', () => {
    const node = {
      matmul: [{ name: '512', m: 512, n: 512, k: 512, variant: 'register', ms: 100, gflops: 2.7 }],
      peer: {
        version: '4.22.0',
        adapter: 'google swiftshader',
        matmul: [{ name: '512', gflops: 0.9 }],
      },
      torch: { torch: '1.13', device: 'CPU', rows: [{ n: 512, gflops: 20 }] },
    } as NodeBenchResults;
    const browser = {
      variant: 'register',
      matmul: [
        {
          name: '512',
          m: 512,
          n: 512,
          k: 512,
          oursMs: 60,
          oursGflops: 4.5,
          peerMs: 600,
          peerGflops: 0.45,
          speedup: 10,
        },
      ],
    } as BrowserBenchResults;
    const row = {
      n: 512,
      m: 512,
      k: 512,
      name: '512',
      oursGflops: 2.7,
      peerGflops: 0.9,
      torchGflops: 20,
      variant: 'register',
      chromiumOursGflops: 4.5,
      chromiumPeerGflops: 0.45,
    };
    expect(summarise(node, browser)).toEqual([row]);
    expect(summarise({ ...node, peer: null, torch: null }, null)).toEqual([
      {
        ...row,
        peerGflops: null,
        torchGflops: null,
        chromiumOursGflops: null,
        chromiumPeerGflops: null,
      },
    ]);
    // Browser only: the Chromium pair fills the row.
    expect(summarise(null, browser)).toEqual([
      { ...row, oursGflops: 4.5, peerGflops: 0.45, torchGflops: null },
    ]);
  });
});
