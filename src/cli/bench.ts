// `npm run bench [-- options]`: the Node benchmarks (matmul, conv2d, sparse layer step) on Node's
// WebGPU, then, unless --node-only, the browser half (scripts/bench-browser.mjs: ours against
// TensorFlow.js's WebGPU backend in Chromium, which needs a prior `npx vite build`). Prints tables;
// with --json FILE writes every figure with the machine and adapters named. Asserts nothing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { adapterFeatureReport, type AdapterFeatureReport } from '../bench/adapter-features-node';
import { benchConv, convCases, convLabel, type ConvResult } from '../bench/conv-bench';
import {
  benchMatmul,
  matmulCases,
  matmulFlops,
  matmulTiming,
  squareCases,
  type MatmulCase,
  type MatmulResult,
} from '../bench/matmul-bench';
import { fixed, formatTable, type BrowserBenchResults } from '../bench/report';
import { benchSparseLinear, type SparseBenchResult } from '../bench/sparse-bench';
import { benchTrainingSteps, stepBenchCases, type StepBenchResult } from '../bench/step-bench';
import { loadNodeTfjsPeer } from '../bench/tfjs-peer-node';
import { gflops } from '../bench/timing';
import { nodeDataFiles } from '../data/builtin-node';
import { FileAdapterStore } from '../gpu/adapter-cache-node';
import { WebGpuBackend } from '../gpu/backend';
import { MATMUL_VARIANTS, matmulVariant } from '../gpu/kernels/matmul';
import { tuneMatmul, type MatmulTuneResult } from '../gpu/kernels/matmul-tune';
import { createNodeRuntime } from '../gpu/node-gpu';
import { isEntryPoint, processIo, UsageError, type CliIo } from './cli-io';
import { checkFlags } from './flags';

const USAGE = `usage: npm run bench [-- options]
  --json FILE      write every figure (machine, adapters, tables) as JSON
  --node-only      skip the browser half (Chromium + TensorFlow.js peer)
  --browser-only   skip the Node half
  --quick          256 and 512 only, fewer conv shapes, no sparse table
  --sizes LIST     square matmul sizes, e.g. 256,512,1024,2048,4096 (default: 256, 512, 1024
                   and a tall-skinny product)
  --no-peer        skip TensorFlow.js's WebGPU backend in Node (same Dawn adapter as ours)
  --no-torch       skip PyTorch's fp32 matmul (/usr/bin/python3 or python3 with torch; CUDA if
                   available, TF32 off)
  --all-variants   also time every matmul kernel variant (slow on a software GPU)
  --no-conv        skip conv2d;  --no-sparse  skip the sparse layer table
  --no-steps       skip whole training steps (resnet-mini per transform and s, gpt-tiny)`;

const OPTIONS = {
  json: { type: 'string' },
  'node-only': { type: 'boolean', default: false },
  'browser-only': { type: 'boolean', default: false },
  quick: { type: 'boolean', default: false },
  sizes: { type: 'string' },
  'no-peer': { type: 'boolean', default: false },
  'no-torch': { type: 'boolean', default: false },
  'all-variants': { type: 'boolean', default: false },
  'no-conv': { type: 'boolean', default: false },
  'no-sparse': { type: 'boolean', default: false },
  'no-steps': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const parse = (argv: string[]) =>
  parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
type Options = ReturnType<typeof parse>;

export interface MachineInfo {
  cpu: string;
  cores: number;
  os: string;
  node: string;
}

/**
 * One row of the `matmul` list, all from the Node half (one Dawn adapter for ours and the peer,
 * PyTorch on the same machine), plus ours and the peer in Chromium when the browser half ran.
 */
export interface MatmulSummary {
  n: number;
  m: number;
  k: number;
  name: string;
  oursGflops: number;
  peerGflops: number | null;
  torchGflops: number | null;
  /** Our kernel variant for this shape. */
  variant: string;
  chromiumOursGflops: number | null;
  chromiumPeerGflops: number | null;
}

export interface TorchMatmul {
  torch: string;
  device: string;
  rows: { n: number; gflops: number }[];
}

export interface NodeBenchResults {
  adapter: string;
  adapterFeatures: AdapterFeatureReport;
  matmulTuning: MatmulTuneResult;
  matmulVariant: string;
  matmul: MatmulResult[];
  /** TensorFlow.js WebGPU on the same Dawn adapter, per matmul case (null: skipped or failed). */
  peer: { version: string; adapter: string; matmul: { name: string; gflops: number }[] } | null;
  torch: TorchMatmul | null;
  variants: MatmulResult[];
  conv: ConvResult[];
  sparse: SparseBenchResult | null;
  steps: StepBenchResult[];
}

export interface BenchReport {
  machine: MachineInfo;
  /** Adapter names as the runtimes report them (null where that half did not run). */
  adapters: { node: string | null; chromium: string | null };
  /** Our adapter and the peer's in the `matmul` rows (the Node half). */
  adapter: string | null;
  peerAdapter: string | null;
  node: NodeBenchResults | null;
  browser: BrowserBenchResults | null;
  matmul: MatmulSummary[];
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model ?? 'unknown CPU',
    cores: list.length,
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

/** Matmul cases from --sizes / --quick. */
function matmulCasesFor(opts: Options): MatmulCase[] {
  if (opts.sizes) {
    const sizes = opts.sizes.split(',').map((v) => Number(v.trim()));
    if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 16384)) {
      throw new UsageError(`--sizes: expected whole numbers 1..16384 separated by commas`);
    }
    return squareCases(sizes);
  }
  return opts.quick ? matmulCases.filter((c) => c.m <= 512 && c.m === c.n) : matmulCases;
}

/** PyTorch's fp32 figures for square sizes (scripts/torch-matmul.py), or null without torch. */
function torchMatmul(sizes: readonly number[], io: CliIo): TorchMatmul | null {
  const script = join(process.cwd(), 'scripts', 'torch-matmul.py');
  if (sizes.length === 0 || !existsSync(script)) return null;
  // Debian's /usr/bin/python3 carries torch here where the pyenv python3 on PATH does not; on the
  // GPU machines seen so far it is the other way round. The first that runs the script wins.
  const why: string[] = [];
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, [script, sizes.join(',')], { encoding: 'utf8' });
    if (r.status === 0) return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as TorchMatmul;
    why.push(`${python}: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  }
  io.out(`  torch: skipped (${why.join('; ')})\n`);
  return null;
}

async function nodeHalf(opts: Options, io: CliIo): Promise<NodeBenchResults> {
  const cases = matmulCasesFor(opts);
  const rt = await createNodeRuntime();
  try {
    const gpu = new WebGpuBackend(rt);
    const adapterFeatures = await adapterFeatureReport();
    io.out(
      `Node: ${rt.adapterName}; subgroups ${adapterFeatures.subgroups ? `yes (sizes ${adapterFeatures.subgroupMinSize}-${adapterFeatures.subgroupMaxSize})` : 'no'}, ` +
        `subgroup-matrix ${adapterFeatures.subgroupMatrix ? 'yes' : 'no'}\n`,
    );
    const matmulTuning = await tuneMatmul(rt, { store: new FileAdapterStore() });
    io.out(`  matmul tuning (${matmulTuning.origin}): ${JSON.stringify(matmulTuning.record)}\n`);
    const variant = matmulVariant(rt);
    const peerSide = opts['no-peer']
      ? null
      : await loadNodeTfjsPeer().catch((e: Error) => {
          io.out(`  peer: TensorFlow.js WebGPU failed to start in Node (${e.message})\n`);
          return null;
        });
    if (peerSide)
      io.out(`  peer: TensorFlow.js ${peerSide.version} webgpu (${peerSide.adapter})\n`);
    // Ours then the peer per shape, on one adapter, with the same timing budget.
    const matmul: MatmulResult[] = [];
    const peerMatmul: { name: string; gflops: number }[] = [];
    for (const c of cases) {
      const [r] = await benchMatmul(gpu, { cases: [c] });
      matmul.push(r);
      let line = `  matmul ${r.name}: ours ${fixed(r.gflops, 3)} GFLOP/s (${r.variant}, ${fixed(r.ms, 2)} ms)`;
      if (peerSide) {
        const t = await peerSide.timeMatmul(c, matmulTiming(c));
        const g = gflops(matmulFlops(c), t.msPerIteration);
        peerMatmul.push({ name: c.name, gflops: g });
        line += `, TF.js ${fixed(g, 3)} GFLOP/s (${fixed(r.gflops / g, 2)}x)`;
      }
      io.out(`${line}\n`);
    }
    const squares = cases.filter((c) => c.m === c.n && c.n === c.k).map((c) => c.n);
    const torch = opts['no-torch'] ? null : torchMatmul(squares, io);
    if (torch) {
      io.out(
        `  torch ${torch.torch} fp32 on ${torch.device}: ${torch.rows.map((r) => `${r.n}: ${fixed(r.gflops, 3)}`).join(', ')} GFLOP/s\n`,
      );
    }
    const variants: MatmulResult[] = [];
    if (opts['all-variants']) {
      for (const v of MATMUL_VARIANTS) {
        variants.push(
          ...(await benchMatmul(gpu, {
            cases,
            variant: v,
            onResult: (r) => io.out(`  matmul ${r.name} [${v}]: ${fixed(r.gflops, 3)} GFLOP/s\n`),
          })),
        );
      }
    }
    let conv: ConvResult[] = [];
    if (!opts['no-conv']) {
      const shapes = opts.quick ? convCases().slice(0, 2) : convCases();
      conv = await benchConv(gpu, shapes, (r) =>
        io.out(`  conv ${convLabel(r)}: ${fixed(r.gflops, 3)} GFLOP/s (${fixed(r.ms, 1)} ms)\n`),
      );
    }
    let sparse: SparseBenchResult | null = null;
    if (!opts['no-sparse'] && !opts.quick) {
      sparse = await benchSparseLinear(rt, { log: (line) => io.out(`  ${line}\n`) });
    }
    let steps: StepBenchResult[] = [];
    if (!opts['no-steps']) {
      io.out('  training steps (forward + backward + optimiser + mask work):\n');
      steps = await benchTrainingSteps(gpu, nodeDataFiles(), {
        cases: opts.quick ? stepBenchCases([0.75]) : stepBenchCases(),
        log: (line) => io.out(`    ${line}\n`),
      });
      io.out(
        formatTable(
          [
            'model',
            'transform',
            's',
            'ms/step',
            'vs dense',
            'submits',
            'dispatches',
            'readbacks',
            'new buffers',
            'GFLOP',
            'executed',
            'sparse path',
          ],
          steps.map((r) => [
            r.model,
            r.transform,
            String(r.sparsity),
            fixed(r.msPerStep, 0),
            `${fixed(r.vsDense, 2)}x`,
            fixed(r.submitsPerStep, 1),
            fixed(r.dispatchesPerStep, 0),
            fixed(r.readbacksPerStep, 1),
            fixed(r.buffersCreatedPerStep, 1),
            fixed(r.gflops, 2),
            fixed(r.executedGflops, 2),
            r.paths,
          ]),
        ).join('\n') + '\n',
      );
    }
    return {
      adapter: rt.adapterName,
      adapterFeatures,
      matmulTuning,
      matmulVariant: variant,
      matmul,
      peer: peerSide
        ? { version: peerSide.version, adapter: peerSide.adapter, matmul: peerMatmul }
        : null,
      torch,
      variants,
      conv,
      sparse,
      steps,
    };
  } finally {
    rt.destroy();
  }
}

function browserHalf(opts: Options, io: CliIo): Promise<BrowserBenchResults | null> {
  const script = join(process.cwd(), 'scripts', 'bench-browser.mjs');
  if (!existsSync(script)) {
    io.err(`browser half skipped: ${script} not found (run from the repository root)\n`);
    return Promise.resolve(null);
  }
  const dir = mkdtempSync(join(tmpdir(), 'sift-bench-'));
  const file = join(dir, 'browser.json');
  const args = [script, '--json', file];
  if (opts.quick) args.push('--quick');
  if (opts['all-variants']) args.push('--all-variants');
  if (opts['no-conv']) args.push('--no-conv');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('error', (e) => {
      io.err(`browser half failed to start: ${e.message}\n`);
      resolve(null);
    });
    child.on('exit', (code) => {
      let results: BrowserBenchResults | null = null;
      if (code === 0 && existsSync(file)) {
        results = JSON.parse(readFileSync(file, 'utf8')) as BrowserBenchResults;
      } else {
        io.err(`browser half failed (exit code ${code})\n`);
      }
      rmSync(dir, { recursive: true, force: true });
      resolve(results);
    });
  });
}

export function summarise(
  node: NodeBenchResults | null,
  browser: BrowserBenchResults | null,
): MatmulSummary[] {
  const rows = node?.matmul ?? browser?.matmul ?? [];
  return rows.map((c) => {
    const inNode = node?.matmul.find((r) => r.name === c.name);
    const inBrowser = browser?.matmul.find((r) => r.name === c.name);
    const torch = c.m === c.n && c.n === c.k ? node?.torch?.rows.find((r) => r.n === c.n) : null;
    return {
      n: c.n,
      m: c.m,
      k: c.k,
      name: c.name,
      oursGflops: inNode?.gflops ?? inBrowser?.oursGflops ?? NaN,
      peerGflops: inNode
        ? (node?.peer?.matmul.find((r) => r.name === c.name)?.gflops ?? null)
        : (inBrowser?.peerGflops ?? null),
      torchGflops: torch?.gflops ?? null,
      variant: inNode?.variant ?? browser?.variant ?? 'unknown',
      chromiumOursGflops: inBrowser?.oursGflops ?? null,
      chromiumPeerGflops: inBrowser?.peerGflops ?? null,
    };
  });
}

const cell = (v: number | null): string => (v === null ? '-' : fixed(v, 3));

function summaryTable(report: BenchReport): string[] {
  return formatTable(
    [
      'matmul',
      'variant',
      'ours',
      'TF.js',
      'ours/TF.js',
      'torch fp32',
      'ours/torch',
      'Chromium ours',
      'Chromium TF.js',
    ],
    report.matmul.map((r) => [
      r.name,
      r.variant,
      fixed(r.oursGflops, 3),
      cell(r.peerGflops),
      r.peerGflops === null ? '-' : `${fixed(r.oursGflops / r.peerGflops, 2)}x`,
      cell(r.torchGflops),
      r.torchGflops === null ? '-' : `${fixed((100 * r.oursGflops) / r.torchGflops, 0)}%`,
      cell(r.chromiumOursGflops),
      cell(r.chromiumPeerGflops),
    ]),
  );
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let opts: Options;
  try {
    opts = parse(argv);
    if (opts['node-only'] && opts['browser-only']) {
      throw new UsageError('--node-only and --browser-only exclude each other');
    }
    matmulCasesFor(opts); // validates --sizes before the GPU starts
    // An unwritable --json would otherwise fail after the whole benchmark.
    checkFlags(opts, { json: { kind: 'output-file' } });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const machine = machineInfo();
  io.out(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os}, Node ${machine.node}\n`);
  const node = opts['browser-only'] ? null : await nodeHalf(opts, io);
  const browser = opts['node-only'] ? null : await browserHalf(opts, io);
  const report: BenchReport = {
    machine,
    adapters: { node: node?.adapter ?? null, chromium: browser?.adapter ?? null },
    adapter: node?.adapter ?? browser?.adapter ?? null,
    peerAdapter: node ? (node.peer?.adapter ?? null) : (browser?.peer.adapter ?? null),
    node,
    browser,
    matmul: summarise(node, browser),
  };
  io.out(`\nmatmul GFLOP/s (C = A @ B, float32)\n${summaryTable(report).join('\n')}\n`);
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
    io.out(`wrote ${opts.json}\n`);
  }
  const browserFailed = !opts['node-only'] && browser === null;
  return browserFailed ? 1 : 0;
}

if (isEntryPoint('bench')) process.exitCode = await main(process.argv.slice(2));
