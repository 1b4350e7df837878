import { describe, expect, it } from 'vitest';
import type { BrowserBenchResults } from '../bench/report';
import { main, summarise, type NodeBenchResults } from './bench';

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) },
  };
};

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

  it('reports ours from Chromium beside the peer, and Node separately', () => {
    const node = {
      matmul: [{ name: '512', m: 512, n: 512, k: 512, variant: 'register', ms: 100, gflops: 2.7 }],
    } as NodeBenchResults;
    const browser = {
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
    expect(summarise(node, browser)).toEqual([
      {
        n: 512,
        m: 512,
        k: 512,
        name: '512',
        oursGflops: 4.5,
        peerGflops: 0.45,
        oursNodeGflops: 2.7,
      },
    ]);
    expect(summarise(node, null)).toEqual([
      {
        n: 512,
        m: 512,
        k: 512,
        name: '512',
        oursGflops: 2.7,
        peerGflops: null,
        oursNodeGflops: 2.7,
      },
    ]);
  });
});
