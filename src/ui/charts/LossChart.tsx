import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { selectLossSeries } from '../../store/selectors';
import { useApp } from '../../store/store';
import { formatNumber } from '../format';
import { axisProps, ChartCard, ChartEmpty, tooltipProps } from './ChartCard';

export function LossChart() {
  const series = useApp(selectLossSeries);
  return (
    <ChartCard title="Training loss" subtitle="against step" testId="loss-chart">
      {series.length === 0 ? (
        <ChartEmpty>The loss of every run appears here as it trains.</ChartEmpty>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#eef2f7" />
            <XAxis
              dataKey="step"
              type="number"
              domain={['dataMin', 'dataMax']}
              allowDuplicatedCategory={false}
              {...axisProps}
            />
            <YAxis
              type="number"
              domain={['auto', 'auto']}
              width={48}
              tickFormatter={(v: number) => formatNumber(v, 4)}
              {...axisProps}
            />
            <Tooltip
              {...tooltipProps}
              labelFormatter={(step) => `step ${String(step)}`}
              formatter={(v) => formatNumber(Number(v), 4)}
            />
            {series.map((s) => (
              <Line
                key={s.id}
                data={s.points}
                dataKey="loss"
                name={s.name}
                stroke={s.color}
                strokeWidth={1.75}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  );
}
