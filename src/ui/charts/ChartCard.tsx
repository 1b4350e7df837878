import type { ReactNode } from 'react';

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
