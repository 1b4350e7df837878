// Shapes of the benchmark results (browser page, Node CLI, JSON file) and the plain-text tables
// they print. Pure: no GPU, no DOM.
import type { ConvCase } from './conv-bench';
import type { MatmulCase } from './matmul-bench';

/** One shape timed by us and by the peer in the same browser run. */
export interface PeerComparison {
  oursMs: number;
  oursGflops: number;
  peerMs: number;
  peerGflops: number;
  /** oursGflops / peerGflops: above 1 we are faster. */
  speedup: number;
}

export type MatmulComparison = MatmulCase & PeerComparison;
export type ConvComparison = ConvCase & PeerComparison;

export interface VariantTiming extends MatmulCase {
  variant: string;
  ms: number;
  gflops: number;
}

/** What bench.html publishes on window.__siftBench and scripts/bench-browser.mjs writes as JSON. */
export interface BrowserBenchResults {
  status: 'running' | 'done' | 'error';
  error?: string;
  userAgent: string;
  /** Our adapter as src/gpu/device.ts names it. */
  adapter: string;
  /** Matmul variant our runtime chose for this adapter. */
  variant: string;
  peer: { name: string; version: string; adapter: string };
  matmul: MatmulComparison[];
  conv: ConvComparison[];
  /** Every matmul variant at every shape, when asked for (?variants=all). */
  variants: VariantTiming[];
  /** The tables above as text, ready to print. */
  table: string[];
}

export function comparison(oursMs: number, peerMs: number, flops: number): PeerComparison {
  const oursGflops = flops / (oursMs * 1e6);
  const peerGflops = flops / (peerMs * 1e6);
  return { oursMs, oursGflops, peerMs, peerGflops, speedup: oursGflops / peerGflops };
}

/** Left-aligned first column, right-aligned others, columns separated by two spaces. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export const fixed = (v: number, digits: number): string =>
  Number.isFinite(v) ? v.toFixed(digits) : '-';

export function comparisonTable(
  title: string,
  rows: readonly (PeerComparison & { name: string })[],
  peerName: string,
): string[] {
  return [
    title,
    ...formatTable(
      ['shape', 'ours ms', 'ours GFLOP/s', `${peerName} ms`, `${peerName} GFLOP/s`, 'ours/peer'],
      rows.map((r) => [
        r.name,
        fixed(r.oursMs, 1),
        fixed(r.oursGflops, 3),
        fixed(r.peerMs, 1),
        fixed(r.peerGflops, 3),
        `${fixed(r.speedup, 2)}x`,
      ]),
    ),
  ];
}
