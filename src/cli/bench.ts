// `npm run bench [-- options]`: the Node benchmarks (matmul, conv2d, sparse layer step) on Node's
// WebGPU, then, unless --node-only, the browser half (scripts/bench-browser.mjs: ours against
// TensorFlow.js's WebGPU backend in Chromium, which needs a prior `npx vite build`). Prints tables;
// with --json FILE writes every figure with the machine and adapters named. Asserts nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchConv, convCases, convLabel, type ConvResult } from '../bench/conv-bench';
import { benchMatmul, matmulCases, type MatmulResult } from '../bench/matmul-bench';
import { fixed, formatTable, type BrowserBenchResults } from '../bench/report';
import {
  benchSparseLinear,
  SPARSE_BENCH_SHAPE_SETS,
  type SparseBenchResult,
} from '../bench/sparse-bench';
import { type StepBenchResult } from '../bench/step-bench';
import { runStepBench, stepBenchOptions } from './bench-steps';
import { WebGpuBackend } from '../gpu/backend';
import {
  autotuneMatmul,
  isCpuAdapter,
  MATMUL_VARIANTS,
  matmulVariant,
} from '../gpu/kernels/matmul';
import { createNodeRuntime } from '../gpu/node-gpu';
import { isEntryPoint, processIo, UsageError, type CliIo } from './cli-io';

const USAGE = `usage: npm run bench [-- options]
  --json FILE      write every figure (machine, adapters, tables) as JSON
  --node-only      skip the browser half (Chromium + TensorFlow.js peer)
  --browser-only   skip the Node half
  --quick          256 and 512 only, fewer conv shapes, no sparse table
  --all-variants   also time every matmul kernel variant (slow on a software GPU)
  --no-conv        skip conv2d;  --no-sparse  skip the sparse layer table
  --no-steps       skip whole training steps (resnet-mini per transform and s, gpt-tiny)
  --steps-only     only whole training steps (no matmul, conv or sparse layer table)
  --models LIST    step rows for these models (comma list; model or model@batch, e.g.
                   resnet-mini@16,gpt-tiny); default resnet-mini@16/@128, resnet18-cifar10@128,
                   gpt-tiny, gpt-mini (resnet18 at batch 128 takes minutes per step on a CPU adapter)
  --transforms LIST  step rows for these transforms (dense, sparse-wide, ...); default all
  --sparsities LIST  step rows at these sparsities; default 0.5,0.75,0.9
  --step-count N   timed steps per row (after 2 warm-up steps); default 3
  --torch PYTHON   time the same models in PyTorch eager with this Python (torchMsPerStep);
                   default: /usr/bin/python3 or python3, whichever imports torch; --no-torch skips
  --sparse-shapes NAME  sparse layer table shapes: ${Object.keys(SPARSE_BENCH_SHAPE_SETS).join(', ')}`;

const OPTIONS = {
  json: { type: 'string' },
  'node-only': { type: 'boolean', default: false },
  'browser-only': { type: 'boolean', default: false },
  quick: { type: 'boolean', default: false },
  'all-variants': { type: 'boolean', default: false },
  'no-conv': { type: 'boolean', default: false },
  'no-sparse': { type: 'boolean', default: false },
  'no-steps': { type: 'boolean', default: false },
  'steps-only': { type: 'boolean', default: false },
  models: { type: 'string' },
  transforms: { type: 'string' },
  sparsities: { type: 'string' },
  'step-count': { type: 'string' },
  torch: { type: 'string' },
  'no-torch': { type: 'boolean', default: false },
  'sparse-shapes': { type: 'string', default: 'default' },
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

/** One row of the `matmul` list: ours in Chromium when the browser half ran (same run as the peer), else ours in Node. */
export interface MatmulSummary {
  n: number;
  m: number;
  k: number;
  name: string;
  oursGflops: number;
  peerGflops: number | null;
  oursNodeGflops: number | null;
}

export interface NodeBenchResults {
  adapter: string;
  matmulVariant: string;
  matmul: MatmulResult[];
  variants: MatmulResult[];
  conv: ConvResult[];
  sparse: SparseBenchResult | null;
  steps: StepBenchResult[];
}

export interface BenchReport {
  machine: MachineInfo;
  /** Adapter names as the runtimes report them (null where that half did not run). */
  adapters: { node: string | null; chromium: string | null };
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

async function nodeHalf(opts: Options, io: CliIo): Promise<NodeBenchResults> {
  const rt = await createNodeRuntime();
  try {
    const gpu = new WebGpuBackend(rt);
    if (!isCpuAdapter(rt.adapterName)) {
      // A hardware adapter: measure which variant wins instead of assuming (see matmul.ts).
      const tuned = await autotuneMatmul(rt);
      io.out(
        `autotune: ${MATMUL_VARIANTS.map((v) => `${v} ${fixed(tuned.ms[v], 2)} ms`).join(', ')}\n`,
      );
    }
    const variant = matmulVariant(rt);
    io.out(`Node: ${rt.adapterName}, matmul variant '${variant}'\n`);
    if (opts['steps-only']) {
      const steps = await runStepBench(gpu, stepBenchOptions(opts), io);
      return {
        adapter: rt.adapterName,
        matmulVariant: variant,
        matmul: [],
        variants: [],
        conv: [],
        sparse: null,
        steps,
      };
    }
    const cases = opts.quick ? matmulCases.filter((c) => c.m <= 512 && c.m === c.n) : matmulCases;
    const matmul = await benchMatmul(gpu, {
      cases,
      onResult: (r) =>
        io.out(`  matmul ${r.name}: ${fixed(r.gflops, 3)} GFLOP/s (${fixed(r.ms, 1)} ms)\n`),
    });
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
      sparse = await benchSparseLinear(rt, {
        shapes: SPARSE_BENCH_SHAPE_SETS[opts['sparse-shapes']],
        log: (line) => io.out(`  ${line}\n`),
      });
    }
    const steps = opts['no-steps']
      ? []
      : await runStepBench(gpu, stepBenchOptions(opts, opts.quick ? [0.75] : undefined), io);
    return {
      adapter: rt.adapterName,
      matmulVariant: variant,
      matmul,
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
  const names = new Set([...(browser?.matmul ?? []), ...(node?.matmul ?? [])].map((c) => c.name));
  return matmulCases
    .filter((c) => names.has(c.name))
    .map((c) => {
      const inBrowser = browser?.matmul.find((r) => r.name === c.name);
      const inNode = node?.matmul.find((r) => r.name === c.name);
      return {
        n: c.n,
        m: c.m,
        k: c.k,
        name: c.name,
        oursGflops: inBrowser?.oursGflops ?? inNode?.gflops ?? NaN,
        peerGflops: inBrowser?.peerGflops ?? null,
        oursNodeGflops: inNode?.gflops ?? null,
      };
    });
}

function summaryTable(report: BenchReport): string[] {
  return formatTable(
    ['matmul', 'Node ours', 'Chromium ours', 'Chromium tfjs', 'ours/tfjs'],
    report.matmul.map((r) => [
      r.name,
      r.oursNodeGflops === null ? '-' : fixed(r.oursNodeGflops, 3),
      r.peerGflops === null ? '-' : fixed(r.oursGflops, 3),
      r.peerGflops === null ? '-' : fixed(r.peerGflops, 3),
      r.peerGflops === null ? '-' : `${fixed(r.oursGflops / r.peerGflops, 2)}x`,
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
    if (!(opts['sparse-shapes'] in SPARSE_BENCH_SHAPE_SETS)) {
      throw new UsageError(`--sparse-shapes: unknown set '${opts['sparse-shapes']}'`);
    }
    stepBenchOptions(opts);
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
  const browser = opts['node-only'] || opts['steps-only'] ? null : await browserHalf(opts, io);
  const report: BenchReport = {
    machine,
    adapters: { node: node?.adapter ?? null, chromium: browser?.adapter ?? null },
    node,
    browser,
    matmul: summarise(node, browser),
  };
  if (!opts['steps-only']) {
    io.out(`\nmatmul GFLOP/s (C = A @ B, float32)\n${summaryTable(report).join('\n')}\n`);
  }
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
    io.out(`wrote ${opts.json}\n`);
  }
  const browserFailed = !opts['node-only'] && !opts['steps-only'] && browser === null;
  return browserFailed ? 1 : 0;
}

if (isEntryPoint('bench')) process.exitCode = await main(process.argv.slice(2));
