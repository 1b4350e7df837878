import type { CSSProperties } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { selectDensityBars, selectFocusRun } from '../../store/selectors';
import { useApp } from '../../store/store';
import { formatNumber } from '../format';
import { axisProps, ChartCard, ChartEmpty, tooltipProps } from './ChartCard';

const charWidth = 6; // px per character at the ticks' 10px font
const maxLabelWidth = 240;
const lineChars = Math.floor(maxLabelWidth / charWidth);

/** A layer name in at most two lines, broken after a dot; the middle elided only if still too long. */
export function labelLines(name: string): string[] {
  if (name.length <= lineChars) return [name];
  const cut = name.lastIndexOf('.', lineChars);
  const first = cut > 0 ? name.slice(0, cut + 1) : name.slice(0, lineChars);
  const rest = name.slice(first.length);
  return [first, rest.length <= lineChars ? rest : `…${rest.slice(rest.length - lineChars + 1)}`];
}

/** A y-axis tick: the full name, wrapped, with the whole name as its tooltip. */
function LayerTick({ x, y, payload }: { x?: number; y?: number; payload?: { value: string } }) {
  const name = payload?.value ?? '';
  const lines = labelLines(name);
  return (
    <text x={x} y={y} textAnchor="end" fontSize={10} fill="#475569" data-testid="layer-label">
      <title>{name}</title>
      {lines.map((line, i) => (
        <tspan key={i} x={x} dy={i === 0 ? (lines.length === 1 ? 3 : -2) : 11}>
          {line}
        </tspan>
      ))}
    </text>
  );
}

export function MaskDensityChart() {
  const data = useApp(selectDensityBars);
  const run = useApp(selectFocusRun);
  const longest = Math.max(0, ...(data?.bars ?? []).map((b) => b.name.length));
  const wrapped = longest > lineChars;
  const labelWidth = Math.min(maxLabelWidth, Math.max(80, longest * charWidth)) + 8;
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
            : 'Per-layer densities appear as soon as a sparse run starts.'}
        </ChartEmpty>
      ) : (
        // Many layers (Parallel branches, ResNet-18) scroll rather than squash their labels.
        <div className="density-scroll">
          <div
            className="density-inner"
            style={
              {
                '--rows': data.bars.length,
                '--row-height': wrapped ? '26px' : '16px',
              } as CSSProperties
            }
          >
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
                  width={labelWidth}
                  interval={0}
                  {...axisProps}
                  tick={<LayerTick />}
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
