#!/usr/bin/env node
// The browser half of `npm run bench`: serves the built dist/ with `vite preview` on a free port,
// opens dist/bench.html in Chromium (the flags of e2e/playwright.config.ts: WebGPU on SwiftShader
// where there is no GPU), waits for the page's results, prints its tables and, with --json FILE,
// writes them. Builds nothing: run `npx vite build` first.
//   node scripts/bench-browser.mjs [--json FILE] [--quick] [--all-variants] [--no-conv]
//                                  [--timeout-min N] [--headed]
// CHROMIUM_PATH overrides /usr/bin/chromium. Exit code 0 on success, 1 on failure.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Same list as e2e/playwright.config.ts (docs/architecture.md, Headless WebGPU); on a machine with a GPU, set
// SIFT_BENCH_GPU=1 to drop the SwiftShader ones and let Chromium pick the hardware adapter.
const SWIFTSHADER_FLAGS = [
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
];
const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  ...(process.env.SIFT_BENCH_GPU ? [] : SWIFTSHADER_FLAGS),
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function parseArgs(argv) {
  const opts = {
    json: null,
    quick: false,
    allVariants: false,
    conv: true,
    timeoutMin: 45,
    headed: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = argv[++i];
    else if (a === '--quick') opts.quick = true;
    else if (a === '--all-variants') opts.allVariants = true;
    else if (a === '--no-conv') opts.conv = false;
    else if (a === '--timeout-min') opts.timeoutMin = Number(argv[++i]);
    else if (a === '--headed') opts.headed = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (opts.json === undefined) throw new Error('--json needs a file name');
  return opts;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHttp(url, child, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`vite preview did not answer at ${url} within ${ms / 1000} s`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(root, 'dist', 'bench.html'))) {
    console.error('dist/bench.html is missing: run `npx vite build` first.');
    return 1;
  }
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const port = await freePort();
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const preview = spawn(
    process.execPath,
    [vite, 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let browser = null;
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/bench.html`, preview, 60_000);
    browser = await chromium.launch({
      executablePath,
      args: CHROMIUM_FLAGS,
      headless: !opts.headed,
    });
    const page = await browser.newPage();
    page.on('console', (msg) => {
      const text = msg.text();
      if (text.startsWith('[bench] ')) console.log(text.slice(8));
    });
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    const query = new URLSearchParams();
    if (opts.quick) query.set('quick', '1');
    if (opts.allVariants) query.set('variants', 'all');
    if (!opts.conv) query.set('conv', '0');
    // 127.0.0.1 is a secure context (a loopback origin), which WebGPU requires.
    await page.goto(`${base}/bench.html?${query}`);
    await page.waitForFunction(
      () => window.__siftBench && window.__siftBench.status !== 'running',
      undefined,
      { timeout: opts.timeoutMin * 60_000, polling: 1000 },
    );
    const results = await page.evaluate(() => window.__siftBench);
    if (results.status !== 'done') {
      console.error(`benchmark page failed: ${results.error}`);
      return 1;
    }
    console.log('');
    for (const line of results.table) console.log(line);
    if (opts.json) {
      writeFileSync(opts.json, JSON.stringify(results, null, 2) + '\n');
      console.log(`\nwrote ${opts.json}`);
    }
    return 0;
  } finally {
    await browser?.close();
    preview.kill('SIGTERM');
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
