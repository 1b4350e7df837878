// The paper's figure: final metric against sparsity (or FLOPs, or wall time) per transform and
// method, mean with +/- 1 std error bars, dense as a line with its band. Per-run curves on request.
import { useState } from 'react';
import {
  CartesianGrid,
  ComposedChart,
  ErrorBar,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { SWEEP_X_AXES, type SweepView, type SweepXAxis } from '../../store/sweep-selectors';
import {
  ChartCard,
  ChartEmpty,
  gridStroke,
  lineChartMargin,
  numericXAxisProps,
  seriesLineProps,
  tooltipProps,
  valueYAxisProps,
} from '../charts/ChartCard';
import { Segmented } from '../controls/Field';
import { flopsTick, formatDuration, formatFlops, formatNumber } from '../format';

function xTick(axis: SweepXAxis): (v: number) => string {
  if (axis === 'sparsity') return (v) => String(v);
  if (axis === 'wallSeconds') return (v) => formatDuration(v);
  return flopsTick;
}

export function SweepChart({
  view,
  xAxis,
  onXAxis,
}: {
  view: SweepView;
  xAxis: SweepXAxis;
  onXAxis: (axis: SweepXAxis) => void;
}) {
  const [curves, setCurves] = useState(false);
  const axisLabel = SWEEP_X_AXES.find((a) => a.value === xAxis)?.label ?? xAxis;
  return (
    <>
      <ChartCard
        title={`${view.metricLabel} vs ${axisLabel}`}
        subtitle={`mean ± 1 std over seeds; ${view.higherIsBetter ? 'higher' : 'lower'} is better`}
        testId="sweep-chart"
        aside={<Segmented label="x-axis" value={xAxis} options={SWEEP_X_AXES} onChange={onXAxis} />}
      >
        {view.series.length === 0 && !view.dense ? (
          <ChartEmpty>Each finished cell adds a point: its mean over the seeds so far.</ChartEmpty>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart margin={lineChartMargin}>
              <CartesianGrid stroke={gridStroke} />
              <XAxis
                dataKey="x"
                domain={['auto', 'auto']}
                tickFormatter={xTick(xAxis)}
                {...numericXAxisProps}
              />
              <YAxis {...valueYAxisProps(52)} />
              <Tooltip
                {...tooltipProps}
                labelFormatter={(x) =>
                  xAxis === 'sparsity'
                    ? `s = ${x}`
                    : xAxis === 'wallSeconds'
                      ? formatDuration(Number(x))
                      : formatFlops(Number(x))
                }
                formatter={(v) => `${formatNumber(Number(v), 4)} ${view.unit}`}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {xAxis === 'sparsity' && view.dense && (
                <>
                  <ReferenceArea
                    y1={view.dense.low}
                    y2={view.dense.high}
                    fill="#0f172a"
                    fillOpacity={0.08}
                  />
                  <ReferenceLine
                    y={view.dense.y}
                    stroke="#0f172a"
                    strokeDasharray="4 3"
                    label={{ value: 'dense', fontSize: 11, position: 'insideTopLeft' }}
                  />
                </>
              )}
              {view.series.map((s) => (
                <Line
                  key={s.key}
                  data={s.points}
                  dataKey="y"
                  name={s.name}
                  stroke={s.color}
                  dot={{ r: 3 }}
                  {...seriesLineProps}
                >
                  <ErrorBar dataKey="err" width={5} stroke={s.color} />
                </Line>
              ))}
            </ComposedChart>
          </ResponsiveContainer>
        )}
      </ChartCard>
      <label className="toggle">
        <input
          type="checkbox"
          checked={curves}
          data-testid="sweep-curves-toggle"
          onChange={(e) => setCurves(e.target.checked)}
        />
        per-run curves
      </label>
      {curves && (
        <ChartCard
          title={`${view.metricLabel} per run`}
          subtitle="every finished run of the sweep"
          testId="sweep-curves"
        >
          <ResponsiveContainer width="100%" height="100%">
            <LineChart margin={lineChartMargin}>
              <CartesianGrid stroke={gridStroke} />
              <XAxis dataKey="step" domain={['auto', 'auto']} {...numericXAxisProps} />
              <YAxis {...valueYAxisProps(52)} />
              <Tooltip {...tooltipProps} />
              {view.runCurves.map((r) => (
                <Line
                  key={r.key}
                  data={r.points}
                  dataKey="value"
                  name={r.name}
                  dot={false}
                  stroke="#64748b"
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
      )}
    </>
  );
}
