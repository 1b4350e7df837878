// The playground: settings on the left, the live run and its charts on the right, every run in
// the table below. Components read the store through selectors and call store actions.
import { ErrorBoundary } from './ErrorBoundary';
import { LossChart } from './charts/LossChart';
import { MaskDensityChart } from './charts/MaskDensityChart';
import { MaskHeatmap } from './charts/MaskHeatmap';
import { MetricVsFlopsChart } from './charts/MetricVsFlopsChart';
import { CheckpointImport } from './controls/CheckpointImport';
import { DatasetPicker } from './controls/DatasetPicker';
import { Section } from './controls/Field';
import { ModelPicker } from './controls/ModelPicker';
import { SparsityReadout, SparsitySlider } from './controls/SparsitySlider';
import { MethodControls, OptimizerControls } from './controls/TrainingControls';
import { TransformPicker } from './controls/TransformPicker';
import { Banners } from './feedback/Banners';
import { GpuStatus, SaveIndicator } from './feedback/GpuStatus';
import { NoWebGpu } from './feedback/NoWebGpu';
import { CompareTable } from './runs/CompareTable';
import { RunBar } from './runs/RunBar';
import { SweepPanel } from './sweep/SweepPanel';
import { useApp } from '../store/store';
import './styles/app.css';

export function App() {
  const missing = useApp((s) => s.ui.gpu.kind === 'missing');
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden>
            ◧
          </span>
          <h1>SIFT Playground</h1>
          <span className="tagline">Sparse Iso-FLOP Transformations, trained on your GPU</span>
        </div>
        <div className="topbar-right">
          <SaveIndicator />
          <GpuStatus />
        </div>
      </header>
      {missing && <NoWebGpu />}
      <Banners />
      <div className="layout">
        <aside className="sidebar" aria-label="Run setup">
          <ErrorBoundary label="settings panel">
            <Section title="Model & data">
              <ModelPicker />
              <DatasetPicker />
            </Section>
            <Section title="Transform">
              <TransformPicker />
              <SparsitySlider />
              <SparsityReadout />
            </Section>
            <Section title="Sparse training">
              <MethodControls />
            </Section>
            <Section title="Optimiser">
              <OptimizerControls />
            </Section>
            <Section title="Checkpoint">
              <CheckpointImport />
            </Section>
          </ErrorBoundary>
        </aside>
        <main className="main">
          <ErrorBoundary label="run controls">
            <RunBar />
          </ErrorBoundary>
          <div className="charts">
            <ErrorBoundary label="loss chart">
              <LossChart />
            </ErrorBoundary>
            <ErrorBoundary label="FLOP chart">
              <MetricVsFlopsChart />
            </ErrorBoundary>
            <ErrorBoundary label="density chart">
              <MaskDensityChart />
            </ErrorBoundary>
            <ErrorBoundary label="heatmap">
              <MaskHeatmap />
            </ErrorBoundary>
          </div>
          <ErrorBoundary label="runs table">
            <CompareTable />
          </ErrorBoundary>
          <ErrorBoundary label="sweep">
            <SweepPanel />
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}
