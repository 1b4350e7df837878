// bench.html's script: our matmul and conv2d against TensorFlow.js's WebGPU backend, same shapes,
// same page, alternating ours / peer per shape so a busy machine slows both alike. Publishes the
// results on window.__siftBench (read by scripts/bench-browser.mjs) and shows them on the page.
// URL options: ?quick=1 (256 and 512 only, two conv shapes), ?variants=all (also time every
// matmul variant of ours), ?conv=0 (skip conv).
import { WebGpuBackend } from '../gpu/backend';
import { acquireDevice } from '../gpu/device';
import { IdbAdapterStore } from '../gpu/adapter-cache-idb';
import { MATMUL_VARIANTS, matmulVariant } from '../gpu/kernels/matmul';
import { tuneMatmul } from '../gpu/kernels/matmul-tune';
import { GpuRuntime } from '../gpu/runtime';
import { benchConv, CONV_TIMING, convCases, convFlops, convLabel } from './conv-bench';
import { benchMatmul, matmulCases, matmulFlops, matmulTiming } from './matmul-bench';
import {
  comparison,
  comparisonTable,
  fixed,
  formatTable,
  type BrowserBenchResults,
} from './report';
import { loadTfjsPeer } from './tfjs-peer';

declare global {
  interface Window {
    __siftBench?: BrowserBenchResults;
  }
}

const out = document.getElementById('out') as HTMLPreElement;

function log(line: string): void {
  console.log(`[bench] ${line}`);
  out.textContent += `${line}\n`;
}

async function run(results: BrowserBenchResults): Promise<void> {
  const params = new URLSearchParams(location.search);
  const quick = params.get('quick') === '1';
  const { device, adapterName } = await acquireDevice(navigator.gpu);
  const rt = new GpuRuntime(device, adapterName);
  const gpu = new WebGpuBackend(rt);
  results.adapter = adapterName;
  const tuned = await tuneMatmul(rt, { store: new IdbAdapterStore() });
  log(`matmul tuning (${tuned.origin}): ${JSON.stringify(tuned.record)}`);
  results.variant = matmulVariant(rt);
  log(`ours: ${adapterName}, matmul variant '${results.variant}'`);

  const peer = await loadTfjsPeer();
  results.peer = { name: 'tfjs-webgpu', version: peer.version, adapter: peer.adapter };
  log(`peer: TensorFlow.js ${peer.version} webgpu (${peer.adapter})`);

  const cases = quick ? matmulCases.filter((c) => c.m <= 512 && c.m === c.n) : matmulCases;
  for (const c of cases) {
    // Alternate: ours, peer, ours, peer, with the same timing budget; keep each side's best.
    let oursMs = Infinity;
    let peerMs = Infinity;
    for (let round = 0; round < 2; round++) {
      const [r] = await benchMatmul(gpu, { cases: [c] });
      oursMs = Math.min(oursMs, r.ms);
      peerMs = Math.min(peerMs, (await peer.timeMatmul(c, matmulTiming(c))).msPerIteration);
    }
    const row = { ...c, ...comparison(oursMs, peerMs, matmulFlops(c)) };
    results.matmul.push(row);
    log(
      `matmul ${c.name}: ours ${fixed(row.oursGflops, 3)} GFLOP/s, peer ${fixed(row.peerGflops, 3)} GFLOP/s (${fixed(row.speedup, 2)}x)`,
    );
  }

  if (params.get('variants') === 'all') {
    for (const variant of MATMUL_VARIANTS) {
      await benchMatmul(gpu, {
        cases,
        variant,
        onResult: (r) => {
          results.variants.push(r);
          log(`matmul ${r.name} variant ${variant}: ${fixed(r.gflops, 3)} GFLOP/s`);
        },
      });
    }
  }

  if (params.get('conv') !== '0') {
    const convs = quick ? convCases().slice(0, 2) : convCases();
    for (const c of convs) {
      let oursMs = Infinity;
      let peerMs = Infinity;
      for (let round = 0; round < 2; round++) {
        const [r] = await benchConv(gpu, [c]);
        oursMs = Math.min(oursMs, r.ms);
        peerMs = Math.min(peerMs, (await peer.timeConv(c, CONV_TIMING)).msPerIteration);
      }
      const row = { ...c, ...comparison(oursMs, peerMs, convFlops(c)) };
      results.conv.push(row);
      log(
        `conv ${convLabel(c)}: ours ${fixed(row.oursGflops, 3)} GFLOP/s, peer ${fixed(row.peerGflops, 3)} GFLOP/s (${fixed(row.speedup, 2)}x)`,
      );
    }
  }
  rt.destroy();

  results.table = [
    `Chromium: ${results.userAgent}`,
    `ours: ${results.adapter} (matmul variant '${results.variant}')`,
    `peer: TensorFlow.js ${peer.version} webgpu backend (${peer.adapter})`,
    '',
    ...comparisonTable('matmul (C = A @ B, float32)', results.matmul, 'tfjs'),
  ];
  if (results.variants.length > 0) {
    results.table.push(
      '',
      'our matmul variants',
      ...formatTable(
        ['shape', 'variant', 'ms', 'GFLOP/s'],
        results.variants.map((v) => [v.name, v.variant, fixed(v.ms, 1), fixed(v.gflops, 3)]),
      ),
    );
  }
  if (results.conv.length > 0) {
    const rows = results.conv.map((c) => ({ ...c, name: convLabel(c) }));
    results.table.push(
      '',
      ...comparisonTable(`conv2d forward, batch ${results.conv[0].batch}`, rows, 'tfjs'),
    );
  }
}

async function main(): Promise<void> {
  const results: BrowserBenchResults = {
    status: 'running',
    userAgent: navigator.userAgent,
    adapter: '',
    variant: '',
    peer: { name: 'tfjs-webgpu', version: '', adapter: '' },
    matmul: [],
    conv: [],
    variants: [],
    table: [],
  };
  window.__siftBench = results;
  try {
    await run(results);
    results.status = 'done';
    out.textContent = results.table.join('\n');
  } catch (e) {
    results.status = 'error';
    results.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    log(`error: ${results.error}`);
  }
  document.body.dataset.status = results.status;
}

void main();
