// A stand-in for the training worker, installed with page.addInitScript, that answers the
// protocol with made-up but well-formed numbers. It lets the UI journeys (charts, queue, table,
// export, heatmap) run in seconds and independently of the engine; the real-worker journeys live
// in training.spec.ts.
export function installScriptedWorker(): void {
  type Msg = {
    type: string;
    runId?: string;
    config?: {
      lr: number;
      steps: number;
      transform: string;
      sparsity: number;
      batchSize: number;
      model: string;
    };
    layer?: string;
    checkpoint?: ArrayBuffer;
  };
  const layers = [
    'layer1.0.conv1',
    'layer1.0.conv2',
    'layer2.0.conv1',
    'layer2.0.conv2',
    'layer2.0.shortcut.0',
    'layer3.0.conv1',
    'layer3.0.conv2',
    'layer3.0.shortcut.0',
  ];
  const workers: ScriptedWorker[] = [];
  class ScriptedWorker {
    constructor() {
      workers.push(this);
    }
    onmessage: ((e: { data: unknown }) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    private timers: number[] = [];
    private runs = new Map<
      string,
      { step: number; paused: boolean; config: NonNullable<Msg['config']> }
    >();
    postMessage(msg: Msg): void {
      const post = (data: unknown) => setTimeout(() => this.onmessage?.({ data }), 5);
      switch (msg.type) {
        case 'init':
          post({ type: 'ready', adapterName: 'scripted worker', features: [], software: false });
          break;
        case 'selftest':
          post({
            type: 'selftest-result',
            ok: true,
            maxError: 1e-6,
            ms: 1,
            detail: 'scripted, max |GPU − CPU| = 1.00e-6',
          });
          break;
        case 'start': {
          const runId = msg.runId!;
          const config = msg.config!;
          // The scripted checkpoint holds just its step.
          const from = msg.checkpoint ? new Uint32Array(msg.checkpoint)[0] : 0;
          this.runs.set(runId, { step: from, paused: false, config });
          post({ type: 'state', runId, state: 'running' });
          const widen = config.transform === 'dense' ? 1 : 1 / (1 - config.sparsity);
          const quality =
            {
              dense: 0,
              'sparse-wide': 0.06,
              'sparse-parallel': 0.05,
              'sparse-factorized': 0.02,
              'sparse-doped': 0.03,
            }[config.transform] ?? 0;
          const timer = window.setInterval(() => {
            const run = this.runs.get(runId);
            if (!run || run.paused) return;
            const points = [];
            for (let i = 0; i < 5 && run.step < config.steps; i++) {
              run.step++;
              const t = run.step;
              points.push({
                step: t,
                trainingFlops: t * 3.7e7 * config.batchSize,
                executedFlops: t * 3.7e7 * config.batchSize * widen,
                wallMs: t * 40,
                lr: 0.05,
                trainLoss: 2.3 * Math.exp(-t / (60 - quality * 200)) + 0.1 + 0.05 * Math.sin(t),
                samplesPerSecond: 200,
                ...(t % 20 === 0 || t === config.steps
                  ? {
                      evalLoss: 2 * Math.exp(-t / 80) + 0.3,
                      evalAccuracy: Math.min(0.98, 0.1 + (0.8 + quality) * (1 - Math.exp(-t / 50))),
                    }
                  : {}),
              });
            }
            post({ type: 'metrics', runId, points });
            if (config.sparsity > 0 && run.step % 10 === 0) {
              post({
                type: 'mask-stats',
                runId,
                step: run.step,
                layers: (config.transform === 'sparse-parallel'
                  ? layers.flatMap((l) => [`${l}.branches.0.weight`, `${l}.branches.1.weight`])
                  : layers
                ).map((name, i) => ({
                  name,
                  density: (1 - config.sparsity) * (0.9 + 0.05 * (i % 3)),
                  active: 1000,
                  total: 4000,
                })),
              });
            }
            if (run.step % 20 === 0) {
              post({
                type: 'checkpoint',
                runId,
                step: run.step,
                safetensors: new Uint32Array([run.step]).buffer,
              });
            }
            // A learning rate above 1 diverges, as a real run would: the worker's divergence
            // detection stops it in the 'diverged' state.
            if (config.lr > 1 && run.step >= 10) {
              window.clearInterval(timer);
              this.runs.delete(runId);
              post({
                type: 'state',
                runId,
                state: 'diverged',
                message: `The training loss became NaN at step ${run.step}. Lower the learning rate.`,
              });
              return;
            }
            if (run.step >= config.steps) {
              window.clearInterval(timer);
              post(this.exported(runId, true));
              post({
                type: 'done',
                runId,
                final: {
                  trainLoss: 0.3,
                  evalLoss: 0.4,
                  evalAccuracy: 0.8 + quality,
                  trainingFlops: config.steps * 3.7e7 * config.batchSize,
                  executedFlops: config.steps * 3.7e7 * config.batchSize * widen,
                  wallSeconds: config.steps * 0.04,
                  paramsTotal: 77754 * widen,
                  paramsActive: 77754,
                },
              });
            }
          }, 30);
          this.timers.push(timer);
          break;
        }
        case 'pause':
          this.runs.get(msg.runId!)!.paused = true;
          post({ type: 'state', runId: msg.runId, state: 'paused' });
          break;
        case 'resume':
          this.runs.get(msg.runId!)!.paused = false;
          post({ type: 'state', runId: msg.runId, state: 'running' });
          break;
        case 'stop':
          this.runs.delete(msg.runId!);
          post({ type: 'state', runId: msg.runId, state: 'stopped' });
          break;
        case 'heatmap': {
          const run = this.runs.get(msg.runId!);
          const rows = 32;
          const cols = 48;
          const cells = new Uint8Array(rows * cols);
          const seed = Math.floor((run?.step ?? 0) / 20);
          for (let i = 0; i < cells.length; i++)
            cells[i] = ((i * 2654435761 + seed * 97 * (i % 7)) >>> 0) % 100 < 25 ? 255 : 0;
          post({
            type: 'heatmap',
            runId: msg.runId,
            heatmap: { layer: msg.layer, rows, cols, cells, step: run?.step ?? 0 },
          });
          break;
        }
        case 'export':
          post(this.exported(msg.runId!, false));
          break;
      }
    }
    /** A valid safetensors export of the run (keep: the end-of-run copy the page stores). */
    private exported(runId: string, keep: boolean) {
      // A valid safetensors file: one 2x2 F32 tensor and its U8 mask.
      const header = JSON.stringify({
        'layer1.0.conv1.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
        'layer1.0.conv1.weight_mask': { dtype: 'U8', shape: [2, 2], data_offsets: [16, 20] },
      });
      const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
      const bytes = new Uint8Array(8 + padded.length + 20);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(padded.length), true);
      bytes.set(new TextEncoder().encode(padded), 8);
      new Float32Array(bytes.buffer, 8 + padded.length, 4).set([1, 0, 0, 2]);
      bytes.set([1, 0, 0, 1], 8 + padded.length + 16);
      return {
        type: 'exported',
        runId,
        keep,
        safetensors: bytes.buffer,
        configJson: JSON.stringify({
          format: 'sift-playground/1',
          run: this.runs.get(runId)?.config ?? {},
          step: 0,
        }),
      };
    }
    terminate(): void {
      for (const t of this.timers) window.clearInterval(t);
    }
    addEventListener(): void {}
    removeEventListener(): void {}
  }
  (window as unknown as { Worker: unknown }).Worker = ScriptedWorker;
  // Tests call this to simulate a GPU reset in the middle of a run.
  (window as unknown as { loseDevice: () => void }).loseDevice = () => {
    for (const w of workers) {
      for (const t of w['timers']) window.clearInterval(t);
      w.onmessage?.({ data: { type: 'device-lost', message: 'the GPU was reset' } });
    }
  };
}
