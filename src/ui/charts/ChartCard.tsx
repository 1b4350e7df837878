import type { ReactNode } from 'react';
import { formatNumber } from '../format';

export function ChartCard({
  title,
  subtitle,
  aside,
  children,
  testId,
}: {
  title: string;
  subtitle?: ReactNode;
  aside?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="card chart-card" data-testid={testId}>
      <header className="card-head">
        <div>
          <h3>{title}</h3>
          {subtitle && <p className="card-sub">{subtitle}</p>}
        </div>
        {aside}
      </header>
      <div className="chart-body">{children}</div>
    </section>
  );
}

export function ChartEmpty({ children }: { children: ReactNode }) {
  return <div className="chart-empty">{children}</div>;
}

/** Shared axis and tooltip styling for recharts (plain props objects, no math). */
export const axisProps = {
  stroke: '#94a3b8',
  tick: { fontSize: 11, fill: '#475569' },
  tickLine: false,
} as const;

export const tooltipProps = {
  contentStyle: { fontSize: 12, borderRadius: 6, border: '1px solid #e2e8f0', padding: '6px 8px' },
  labelStyle: { color: '#0f172a', fontWeight: 600 },
  isAnimationActive: false,
} as const;

/** The line charts' common frame: margin and grid. */
export const lineChartMargin = { top: 8, right: 12, bottom: 4, left: 0 } as const;
export const gridStroke = '#eef2f7';

/** A numeric x axis shared by several series (each its own data array, so no duplicate ticks). */
export const numericXAxisProps = {
  type: 'number',
  allowDuplicatedCategory: false,
  ...axisProps,
} as const;

/** A numeric y axis of metric values, auto range, 4 significant digits. */
export const valueYAxisProps = (width: number) =>
  ({
    type: 'number',
    domain: ['auto', 'auto'],
    width,
    tickFormatter: (v: number) => formatNumber(v, 4),
    ...axisProps,
  }) as const;

/** One run's line: no animation (points arrive many times a second). */
export const seriesLineProps = { strokeWidth: 1.75, isAnimationActive: false } as const;
