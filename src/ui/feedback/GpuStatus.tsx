import { useApp, useSaveStatus } from '../../store/store';

/** The header chip: which GPU, and whether the self-test matmul matched the CPU. */
export function GpuStatus() {
  const gpu = useApp((s) => s.ui.gpu);
  if (gpu.kind === 'missing') return <span className="chip bad">No WebGPU</span>;
  if (gpu.kind === 'checking') return <span className="chip">Looking for a GPU…</span>;
  if (gpu.kind === 'error')
    return (
      <span className="chip bad" role="alert" data-testid="gpu-error" title={gpu.message}>
        GPU error: {gpu.message}
      </span>
    );
  const state = gpu.selftest === undefined ? 'pending' : gpu.selftest.ok ? 'ok' : 'failed';
  return (
    <span
      className={`chip gpu ${state}`}
      data-testid="gpu-status"
      data-selftest={state}
      title={gpu.selftest?.detail}
    >
      <span className="gpu-dot" aria-hidden />
      <span className="gpu-name">{gpu.adapter}</span>
      <span className="gpu-detail">
        {gpu.selftest ? gpu.selftest.detail : 'running a self-test…'}
      </span>
    </span>
  );
}

export function SaveIndicator() {
  const status = useSaveStatus();
  const text = {
    idle: '',
    saving: 'Saving runs…',
    saved: 'Runs saved in this browser',
    failed: 'Could not save runs',
  }[status];
  if (!text) return null;
  return (
    <span className={`save ${status}`} data-testid="save-status" data-status={status}>
      {text}
    </span>
  );
}
