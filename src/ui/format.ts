// Display formatting only: numbers to short readable strings. No model arithmetic here.

const siPrefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** 1234567 -> "1.23 M"; keeps three significant digits. */
export function formatSi(value: number | undefined, unit = ''): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return `0${unit ? ' ' + unit : ''}`;
  const tier = Math.min(
    siPrefixes.length - 1,
    Math.max(0, Math.floor(Math.log10(Math.abs(value)) / 3)),
  );
  const scaled = value / 10 ** (tier * 3);
  const digits = Math.abs(scaled) >= 100 ? 0 : Math.abs(scaled) >= 10 ? 1 : 2;
  return `${scaled.toFixed(digits)} ${siPrefixes[tier]}${unit}`.trimEnd();
}

export const formatFlops = (flops: number | undefined) => formatSi(flops, 'FLOP');
export const formatCount = (n: number | undefined) => formatSi(n);

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(value >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}:${String(s % 60).padStart(2, '0')}`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatNumber(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return Number(value.toPrecision(digits)).toString();
}

export function formatPercent(fraction: number | undefined, digits = 1): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Tick label for a FLOP axis: "1e9" style is unreadable; "1 G" is not. */
export function flopsTick(value: number): string {
  return formatSi(value);
}
