// The SIFT picture: quality against the training FLOPs spent, one line per run.
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { setLogFlopsAxis, setMetricXAxis } from '../../store/actions';
import { metricFor, selectChartFamily, selectMetricSeries } from '../../store/selectors';
import { useApp } from '../../store/store';
import type { MetricXAxis } from '../../store/ui-slice';
import { Segmented } from '../controls/Field';
import { flopsTick, formatDuration, formatFlops, formatNumber } from '../format';
import {
  ChartCard,
  ChartEmpty,
  gridStroke,
  lineChartMargin,
  numericXAxisProps,
  seriesLineProps,
  tooltipProps,
  valueYAxisProps,
} from './ChartCard';

const X_AXES: { value: MetricXAxis; label: string }[] = [
  { value: 'trainingFlops', label: 'training FLOPs' },
  { value: 'executedFlops', label: 'executed FLOPs' },
  { value: 'wallSeconds', label: 'wall time' },
];

export function MetricVsFlopsChart() {
  const series = useApp(selectMetricSeries);
  const family = useApp(selectChartFamily);
  const logAxis = useApp((s) => s.ui.logFlopsAxis);
  const xAxis = useApp((s) => s.ui.metricXAxis);
  const xLabel = X_AXES.find((a) => a.value === xAxis)?.label ?? xAxis;
  const formatX = (v: number) => (xAxis === 'wallSeconds' ? formatDuration(v) : formatFlops(v));
  const metric = metricFor(family);
  return (
    <ChartCard
      title={`${metric.label} vs ${xLabel}`}
      subtitle={
        metric.higherIsBetter
          ? `higher is better; ${xAxis === 'trainingFlops' ? 'theoretical FLOPs' : xLabel}`
          : `lower is better; ${xAxis === 'trainingFlops' ? 'theoretical FLOPs' : xLabel}`
      }
      testId="metric-chart"
      aside={
        <div className="chart-aside">
          <Segmented
            label="x-axis"
            value={xAxis}
            options={X_AXES}
            onChange={setMetricXAxis}
            testId="metric-x-axis"
          />
          <label className="toggle">
            <input
              type="checkbox"
              checked={logAxis}
              data-testid="log-axis"
              onChange={(e) => setLogFlopsAxis(e.target.checked)}
            />
            log scale
          </label>
        </div>
      }
    >
      {series.length === 0 ? (
        <ChartEmpty>
          Each evaluation adds a point: {metric.label.toLowerCase()} after that many training FLOPs.
        </ChartEmpty>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart margin={lineChartMargin}>
            <CartesianGrid stroke={gridStroke} />
            <XAxis
              dataKey="flops"
              scale={logAxis ? 'log' : 'linear'}
              domain={['auto', 'auto']}
              tickFormatter={xAxis === 'wallSeconds' ? (v: number) => formatDuration(v) : flopsTick}
              {...numericXAxisProps}
            />
            <YAxis unit={metric.unit === '%' ? '%' : ''} {...valueYAxisProps(48)} />
            <Tooltip
              {...tooltipProps}
              labelFormatter={(x) => formatX(Number(x))}
              formatter={(v) => `${formatNumber(Number(v), 4)} ${metric.unit}`}
            />
            {series.map((s) => (
              <Line
                key={s.id}
                data={s.points}
                dataKey="value"
                name={s.name}
                stroke={s.color}
                dot={{ r: 2 }}
                {...seriesLineProps}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  );
}
