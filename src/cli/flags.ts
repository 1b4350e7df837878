// Flag checks for every CLI command, in one table per command and one pass before any work: a
// flag is a whole number, a number in a range, one of a few words, a file to read, a file to
// write or a folder to write into. Every problem is collected, so one run names them all; files
// are checked here too, so a missing --data-file or an unwritable --json fails in a second rather
// than after the training it would have saved.
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './cli-io';

export type FlagRule =
  | { kind: 'int'; min: number; max?: number }
  /** A finite number; `min`/`max` inclusive, `above`/`below` exclusive. */
  | { kind: 'number'; min?: number; max?: number; above?: number; below?: number }
  | { kind: 'choice'; values: readonly string[] }
  | { kind: 'input-file' }
  | { kind: 'output-file' }
  | { kind: 'output-dir' };

export type FlagRules = Record<string, FlagRule>;

type Parsed<R extends FlagRule> = R extends { kind: 'int' | 'number' } ? number : string;

/** The checked values by flag name; absent flags are absent. */
export type FlagValues<T extends FlagRules> = { [K in keyof T]?: Parsed<T[K]> };

function statOf(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** The nearest folder that exists on the way up from `path`, or why there is none. */
function existingAncestor(path: string): { dir: string } | { problem: string } {
  let at = dirname(resolve(path));
  for (;;) {
    const st = statOf(at);
    if (st) return st.isDirectory() ? { dir: at } : { problem: `${at} is a file, not a folder` };
    const up = dirname(at);
    if (up === at) return { problem: `no folder on the way to ${path} exists` };
    at = up;
  }
}

function numberProblem(flag: string, text: string, rule: FlagRule & { kind: 'int' | 'number' }) {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) return `--${flag} must be a number, got "${text}"`;
  if (rule.kind === 'int') {
    const range = rule.max === undefined ? `>= ${rule.min}` : `in [${rule.min}, ${rule.max}]`;
    if (!Number.isInteger(n) || n < rule.min || (rule.max !== undefined && n > rule.max))
      return `--${flag} must be a whole number ${range}, got "${text}"`;
    return null;
  }
  const bounds = [
    rule.min !== undefined && n < rule.min ? `>= ${rule.min}` : '',
    rule.above !== undefined && n <= rule.above ? `> ${rule.above}` : '',
    rule.max !== undefined && n > rule.max ? `<= ${rule.max}` : '',
    rule.below !== undefined && n >= rule.below ? `< ${rule.below}` : '',
  ].filter(Boolean);
  return bounds.length > 0 ? `--${flag} must be ${bounds.join(' and ')}, got "${text}"` : null;
}

/** The problem with one flag's file or folder, or null when the command can go ahead. */
export function pathProblem(flag: string, path: string, kind: FlagRule['kind']): string | null {
  if (path.trim() === '') return `--${flag} needs a path`;
  const st = statOf(path);
  if (kind === 'input-file') {
    if (!st) return `--${flag} ${path} does not exist`;
    if (st.isDirectory()) return `--${flag} ${path} is a folder; give the file inside it`;
    if (!canAccess(path, constants.R_OK)) return `--${flag} ${path} cannot be read (permissions)`;
    return null;
  }
  if (kind === 'output-file' && st?.isDirectory())
    return `--${flag} ${path} is a folder; give a file name such as ${resolve(path, 'out.json')}`;
  if (kind === 'output-dir' && st && !st.isDirectory())
    return `--${flag} ${path} is a file; give a folder (it is created if missing)`;
  if (st) {
    return canAccess(path, constants.W_OK)
      ? null
      : `--${flag} ${path} is not writable (permissions or a read-only disk)`;
  }
  const above = existingAncestor(path);
  if ('problem' in above) return `--${flag} ${path} cannot be created: ${above.problem}`;
  if (kind === 'output-file' && above.dir !== dirname(resolve(path)))
    return `--${flag} ${path}: the folder ${dirname(resolve(path))} does not exist`;
  if (!canAccess(above.dir, constants.W_OK))
    return `--${flag} ${path} cannot be created: ${above.dir} is not writable`;
  return null;
}

/**
 * Check the flags `rules` names in `values` (parseArgs output) and return them parsed. Throws one
 * UsageError listing every problem; flags without a rule are left to the caller.
 */
export function checkFlags<T extends FlagRules>(
  values: Readonly<Record<string, unknown>>,
  rules: T,
): FlagValues<T> {
  const problems: string[] = [];
  const out: Record<string, string | number> = {};
  for (const [flag, rule] of Object.entries(rules)) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const text = String(raw);
    let problem: string | null;
    switch (rule.kind) {
      case 'int':
      case 'number':
        problem = numberProblem(flag, text, rule);
        if (!problem) out[flag] = Number(text);
        break;
      case 'choice':
        problem = rule.values.includes(text)
          ? null
          : `--${flag} must be one of ${rule.values.join(', ')}, got "${text}"`;
        out[flag] = text;
        break;
      default:
        problem = pathProblem(flag, text, rule.kind);
        out[flag] = text;
    }
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return out as FlagValues<T>;
}
