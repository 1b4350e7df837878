// One row per cell: mean, std, n, training and executed FLOPs, wall time per run, verdict vs dense.
import type { SweepView } from '../../store/sweep-selectors';
import { formatDuration, formatFlops, formatNumber } from '../format';

export function SweepTable({ view }: { view: SweepView }) {
  const k = view.metric === 'accuracy' ? 100 : 1;
  return (
    <table className="compare-table" data-testid="sweep-table">
      <thead>
        <tr>
          <th>transform</th>
          <th>s</th>
          <th>method</th>
          <th>mean ({view.unit})</th>
          <th>std</th>
          <th>n</th>
          <th>training FLOPs</th>
          <th>executed FLOPs</th>
          <th>wall / run</th>
          <th>vs dense</th>
        </tr>
      </thead>
      <tbody>
        {view.cells.map((c) => (
          <tr key={`${c.transform}/${c.sparsity}/${c.method}`} data-verdict={c.verdict.kind}>
            <td>{c.transform}</td>
            <td>{c.transform === 'dense' ? '–' : c.sparsity}</td>
            <td>{c.method ?? '–'}</td>
            <td>{c.mean === null ? '–' : formatNumber(k * c.mean, 4)}</td>
            <td>{c.std === null ? '–' : formatNumber(k * c.std, 3)}</td>
            <td>
              {c.n}
              {c.failed > 0 && ` (+${c.failed} failed)`}
            </td>
            <td>{c.trainingFlops === null ? '–' : formatFlops(c.trainingFlops)}</td>
            <td>{c.executedFlops === null ? '–' : formatFlops(c.executedFlops)}</td>
            <td>{c.wallSeconds === null ? '–' : formatDuration(c.wallSeconds)}</td>
            <td>{c.verdict.text}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
