import type { CSSProperties } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { selectDensityBars, selectFocusRun } from '../../store/selectors';
import { useApp } from '../../store/store';
import { formatNumber } from '../format';
import { axisProps, ChartCard, ChartEmpty, tooltipProps } from './ChartCard';

export function MaskDensityChart() {
  const data = useApp(selectDensityBars);
  const run = useApp(selectFocusRun);
  return (
    <ChartCard
      title="Mask density per layer"
      subtitle={run ? `${run.name}${data ? ` · step ${data.step}` : ''}` : 'the selected run'}
      testId="density-chart"
    >
      {!data ? (
        <ChartEmpty>
          {run?.config.sparsity === 0
            ? 'A dense run keeps every weight.'
            : 'Per-layer densities appear once a sparse run starts.'}
        </ChartEmpty>
      ) : (
        // Many layers (Parallel branches, ResNet-18) scroll rather than squash their labels.
        <div className="density-scroll">
          <div className="density-inner" style={{ '--rows': data.bars.length } as CSSProperties}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart
                data={data.bars}
                layout="vertical"
                margin={{ top: 4, right: 12, bottom: 4, left: 4 }}
              >
                <CartesianGrid stroke="#eef2f7" horizontal={false} />
                <XAxis type="number" domain={[0, 100]} unit="%" {...axisProps} />
                <YAxis
                  type="category"
                  dataKey="name"
                  width={172}
                  interval={0}
                  {...axisProps}
                  tick={{ fontSize: 10, fill: '#475569' }}
                />
                <Tooltip
                  {...tooltipProps}
                  formatter={(v, _n, item) => {
                    const bar = item.payload as { active: number; total: number };
                    return [
                      `${formatNumber(Number(v), 3)}% (${bar.active.toLocaleString('en-US')} of ${bar.total.toLocaleString('en-US')})`,
                      'density',
                    ];
                  }}
                />
                <Bar
                  dataKey="densityPercent"
                  fill="#2563eb"
                  isAnimationActive={false}
                  barSize={10}
                />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </div>
      )}
    </ChartCard>
  );
}
