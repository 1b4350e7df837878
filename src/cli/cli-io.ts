// Output sinks and the entry-point test shared by the CLI commands. Commands write through a
// CliIo so tests capture output without patching process streams.
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/**
 * True when the running script is `<name>.ts|js|mjs`. Compares the file name rather than
 * import.meta.url because the SSR build bundles every command into main.js, where each module's
 * import.meta.url is main.js's and a URL guard would start every command at once.
 */
export function isEntryPoint(name: string): boolean {
  const script = process.argv[1] ?? '';
  return new RegExp(`[\\\\/]${name}\\.(ts|js|mjs|cjs)$`).test(script);
}

/** Thrown by argument checks; commands turn it into a message and exit code 2. */
export class UsageError extends Error {}

export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e12) return `${(n / 1e12).toFixed(3)}T`;
  if (abs >= 1e9) return `${(n / 1e9).toFixed(3)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(3)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(2)}k`;
  return `${Math.round(n)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** Right-aligns numbers; columns listed in `textColumns` (default: the first) align left. */
export function formatTable(
  header: string[],
  rows: string[][],
  textColumns: number[] = [0],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) =>
        textColumns.includes(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c]),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
