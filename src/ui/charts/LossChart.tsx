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

export function LossChart() {
  const series = useApp(selectLossSeries);
  return (
    <ChartCard title="Training loss" subtitle="against step" testId="loss-chart">
      {series.length === 0 ? (
        <ChartEmpty>The loss of every run appears here as it trains.</ChartEmpty>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart margin={lineChartMargin}>
            <CartesianGrid stroke={gridStroke} />
            <XAxis dataKey="step" domain={['dataMin', 'dataMax']} {...numericXAxisProps} />
            <YAxis {...valueYAxisProps(48)} />
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
                dot={false}
                {...seriesLineProps}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  );
}
