// The one error path of every CLI command: usage mistakes exit 2 with the usage text, runtime
// failures exit 1 with a SiftError code and a sentence, and a raw stack trace appears only with
// --debug (accepted by every command). File-system errors from Node become named errors.
import { writeFile, mkdir } from 'node:fs/promises';
import { isSiftError, SiftError, type SiftErrorCode } from '../common/errors';
import { UsageError, type CliIo } from './cli-io';

export const DEBUG_FLAG = '--debug';

/** Codes that mean "the flags describe a run that cannot be": the user fixes the command line. */
const USAGE_CODES: readonly SiftErrorCode[] = ['CONFIG_INVALID', 'CONFIG_TOO_LARGE'];

interface NodeFsError {
  code: string;
  path?: string;
  syscall?: string;
  message: string;
}

function isNodeFsError(e: unknown): e is NodeFsError {
  return (
    e instanceof Error &&
    typeof (e as { code?: unknown }).code === 'string' &&
    /^E[A-Z]+$/.test((e as unknown as { code: string }).code)
  );
}

/** A Node file-system error as a SiftError naming the path and what to do. */
export function fileError(e: NodeFsError, path = e.path ?? 'the file'): SiftError {
  switch (e.code) {
    case 'ENOENT':
      return new SiftError('FILE_NOT_FOUND', `${path} does not exist (check the path)`);
    case 'EISDIR':
      return new SiftError('FILE_IS_DIRECTORY', `${path} is a folder, a file was expected`);
    case 'ENOTDIR':
      return new SiftError('FILE_NOT_FOUND', `${path}: a part of the path is a file, not a folder`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new SiftError(
        'FILE_NOT_WRITABLE',
        `${path} cannot be accessed (${e.code}): check permissions`,
      );
    case 'ENOSPC':
      return new SiftError('FILE_NOT_WRITABLE', `${path} could not be written: the disk is full`);
    default:
      return new SiftError('FILE_ERROR', `${path}: ${e.message}`);
  }
}

/** Any thrown value as a SiftError when it has a name the user can act on, else null. */
export function asSiftError(e: unknown): SiftError | null {
  if (isSiftError(e)) return e;
  if (isNodeFsError(e)) return fileError(e);
  return null;
}

function isParseArgsError(e: unknown): boolean {
  return (
    e instanceof Error && String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')
  );
}

/**
 * Runs a command body with `--debug` removed from its arguments and maps what it throws to a
 * message and an exit code: 2 for usage (UsageError, parseArgs errors, CONFIG_* codes), 1 for
 * everything else. An unexpected error is reported as INTERNAL with its message only.
 */
export async function runCommand(
  argv: readonly string[],
  io: CliIo,
  spec: { name: string; usage: string },
  body: (args: string[]) => Promise<number>,
): Promise<number> {
  const debug = argv.includes(DEBUG_FLAG);
  const args = argv.filter((a) => a !== DEBUG_FLAG);
  try {
    return await body(args);
  } catch (e) {
    if (debug) io.err(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    if (e instanceof UsageError || isParseArgsError(e)) {
      io.err(`${spec.name}: ${(e as Error).message}\n${spec.usage}\n`);
      return 2;
    }
    const named = asSiftError(e);
    if (named && USAGE_CODES.includes(named.code)) {
      io.err(`${spec.name}: ${named.message}\n${spec.usage}\n`);
      return 2;
    }
    if (named) {
      io.err(`${spec.name}: error (${named.code}): ${named.message}\n`);
      return 1;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.err(
      `${spec.name}: error (INTERNAL): ${message}\n` +
        (debug ? '' : `This is a bug; run again with ${DEBUG_FLAG} for the stack trace.\n`),
    );
    return 1;
  }
}

/** Writes an output file (creating its folder with `mkdirFirst`), naming the path on failure. */
export async function writeOutput(
  path: string,
  data: string | Uint8Array,
  { mkdirFirst }: { mkdirFirst?: string } = {},
): Promise<void> {
  try {
    if (mkdirFirst) await mkdir(mkdirFirst, { recursive: true });
    await writeFile(path, data);
  } catch (e) {
    throw isNodeFsError(e) ? fileError(e, path) : e;
  }
}
