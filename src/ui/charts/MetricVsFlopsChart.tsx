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
import { setLogFlopsAxis } from '../../store/actions';
import { metricFor, selectChartFamily, selectMetricSeries } from '../../store/selectors';
import { useApp } from '../../store/store';
import { flopsTick, formatFlops, formatNumber } from '../format';
import { axisProps, ChartCard, ChartEmpty, tooltipProps } from './ChartCard';

export function MetricVsFlopsChart() {
  const series = useApp(selectMetricSeries);
  const family = useApp(selectChartFamily);
  const logAxis = useApp((s) => s.ui.logFlopsAxis);
  const metric = metricFor(family);
  return (
    <ChartCard
      title={`${metric.label} vs training FLOPs`}
      subtitle={
        metric.higherIsBetter
          ? 'higher is better; theoretical FLOPs'
          : 'lower is better; theoretical FLOPs'
      }
      testId="metric-chart"
      aside={
        <label className="toggle">
          <input
            type="checkbox"
            checked={logAxis}
            data-testid="log-axis"
            onChange={(e) => setLogFlopsAxis(e.target.checked)}
          />
          log FLOPs
        </label>
      }
    >
      {series.length === 0 ? (
        <ChartEmpty>
          Each evaluation adds a point: {metric.label.toLowerCase()} after that many training FLOPs.
        </ChartEmpty>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#eef2f7" />
            <XAxis
              dataKey="flops"
              type="number"
              scale={logAxis ? 'log' : 'linear'}
              domain={['auto', 'auto']}
              allowDuplicatedCategory={false}
              tickFormatter={flopsTick}
              {...axisProps}
            />
            <YAxis
              type="number"
              domain={['auto', 'auto']}
              width={48}
              unit={metric.unit === '%' ? '%' : ''}
              tickFormatter={(v: number) => formatNumber(v, 4)}
              {...axisProps}
            />
            <Tooltip
              {...tooltipProps}
              labelFormatter={(flops) => `${formatFlops(Number(flops))}`}
              formatter={(v) => `${formatNumber(Number(v), 4)} ${metric.unit}`}
            />
            {series.map((s) => (
              <Line
                key={s.id}
                data={s.points}
                dataKey="value"
                name={s.name}
                stroke={s.color}
                strokeWidth={1.75}
                dot={{ r: 2 }}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  );
}
