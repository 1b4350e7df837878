// A CliIo that keeps what a command prints, for tests of the CLI commands.
import type { CliIo } from '../cli/cli-io';

export function captureIo(): { out: string[]; err: string[]; io: CliIo } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) },
  };
}
