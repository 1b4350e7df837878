// A first look at files dropped on the dataset picker, so a wrong file is named at once, next to
// the picker, instead of after the worker has started. The worker's parsers (src/data/) still
// check everything; this only reads sizes, magic bytes and a little text.
import type { DatasetFileInfo } from './ui-slice';

// CIFAR binary records: CIFAR-10 = 1 label byte + 32*32*3 pixels; CIFAR-100 = coarse + fine label + pixels.
const cifar10Record = 3073;
const cifar100Record = 3074;
const textSampleBytes = 64 * 1024;

export type DatasetCheck = { ok: true; info: DatasetFileInfo } | { ok: false; problem: string };

export interface DroppedFile {
  name: string;
  size: number;
  /** The first bytes of the file (at least 64 KiB, or all of it). */
  head: Uint8Array;
}

function extension(name: string): 'bin' | 'tar.gz' | 'txt' | 'other' {
  const lower = name.toLowerCase();
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.bin')) return 'bin';
  if (lower.endsWith('.txt') || lower.endsWith('.text') || lower.endsWith('.md')) return 'txt';
  return 'other';
}

function checkBin(file: DroppedFile): DatasetCheck {
  if (file.size === 0) return { ok: false, problem: `${file.name} is empty.` };
  const dataset =
    file.size % cifar10Record === 0
      ? 'cifar10'
      : file.size % cifar100Record === 0
        ? 'cifar100'
        : undefined;
  if (!dataset) {
    return {
      ok: false,
      problem: `${file.name} is ${file.size.toLocaleString('en-US')} bytes, not a whole number of CIFAR records (${cifar10Record} bytes each for CIFAR-10, ${cifar100Record} for CIFAR-100).`,
    };
  }
  const record = dataset === 'cifar10' ? cifar10Record : cifar100Record;
  const classes = dataset === 'cifar10' ? 10 : 100;
  const labelOffset = dataset === 'cifar10' ? 0 : 1;
  for (let r = 0; (r + 1) * record <= file.head.length; r++) {
    const label = file.head[r * record + labelOffset];
    if (label >= classes) {
      return {
        ok: false,
        problem: `${file.name}: record ${r} has label ${label}, but ${dataset.toUpperCase()} has ${classes} classes.`,
      };
    }
  }
  return { ok: true, info: { kind: 'cifar', dataset, label: file.name, bytes: file.size } };
}

function checkTarGz(file: DroppedFile): DatasetCheck {
  if (file.head.length < 2 || file.head[0] !== 0x1f || file.head[1] !== 0x8b) {
    return {
      ok: false,
      problem: `${file.name} is not a gzip file (it should be the cifar-10-binary.tar.gz or cifar-100-binary.tar.gz archive).`,
    };
  }
  const dataset = /100/.test(file.name) ? 'cifar100' : 'cifar10';
  return { ok: true, info: { kind: 'cifar', dataset, label: file.name, bytes: file.size } };
}

function checkText(file: DroppedFile): DatasetCheck {
  if (file.size === 0) return { ok: false, problem: `${file.name} is empty.` };
  try {
    // stream: true tolerates a character cut in half at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(file.head.subarray(0, textSampleBytes), {
      stream: true,
    });
  } catch {
    return { ok: false, problem: `${file.name} is not UTF-8 text.` };
  }
  return {
    ok: true,
    info: { kind: 'text', dataset: 'text-file', label: file.name, bytes: file.size },
  };
}

/** Check one or more dropped files as one dataset: CIFAR .bin batches, a CIFAR archive, or one text file. */
export function checkDatasetFiles(files: DroppedFile[]): DatasetCheck {
  if (files.length === 0) return { ok: false, problem: 'No file was dropped.' };
  const kinds = files.map((f) => extension(f.name));
  const unknown = files.find((_, i) => kinds[i] === 'other');
  if (unknown) {
    return {
      ok: false,
      problem: `${unknown.name}: use CIFAR-10/100 binary files (.bin or .tar.gz) or a .txt file.`,
    };
  }
  if (kinds.includes('txt')) {
    if (files.length > 1) return { ok: false, problem: 'Drop one text file at a time.' };
    return checkText(files[0]);
  }
  if (kinds.includes('tar.gz')) {
    if (files.length > 1) return { ok: false, problem: 'Drop the CIFAR archive on its own.' };
    return checkTarGz(files[0]);
  }
  const checks = files.map(checkBin);
  const bad = checks.find((c) => !c.ok);
  if (bad) return bad;
  const infos = checks.map((c) => (c as { ok: true; info: DatasetFileInfo }).info);
  if (new Set(infos.map((i) => i.dataset)).size > 1)
    return { ok: false, problem: 'These files mix CIFAR-10 and CIFAR-100 records.' };
  return {
    ok: true,
    info: {
      kind: 'cifar',
      dataset: infos[0].dataset,
      label: files.length === 1 ? files[0].name : `${files.length} CIFAR batch files`,
      bytes: infos.reduce((sum, i) => sum + i.bytes, 0),
    },
  };
}
