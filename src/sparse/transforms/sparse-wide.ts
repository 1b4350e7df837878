// Sparse Wide (docs/sift-method.md): the whole model widens by k = sqrt(1 / (1 - s)) and every
// sparsified layer runs at sparsity s, so k^2 (1 - s) = 1 keeps the body's FLOPs. Stem and
// classifier widen too but stay dense, which overshoots the budget; the body density is then
// re-solved so the total lands on the dense budget (the reference code does the same). Widths are
// integers, see plan.ts.
import { SiftError } from '../../common/errors';
import { countModel } from '../../flops/count';
import { buildSpec } from '../../spec/build-spec';
import { isWeightLayer, type ArchConfig, type ModelSpec } from '../../spec/model-spec';
import { sparsityOf, toDensity, type Density, type Sparsity } from '../../spec/sparsity';
import { resolveWideBodyDensity, wideGptDModel, wideResNetBaseWidth, wideScale } from './iso-flop';

export interface WideModel {
  /** The widened model with the re-solved density on every sparsified layer. */
  spec: ModelSpec;
  /** k = sqrt(1 / (1 - s)) before rounding. */
  scale: number;
  /** The width Sparse Wide scales: ResNet base width or GPT d_model, before and after. */
  widthFrom: number;
  widthTo: number;
  /**
   * The sparsity asked for, and the one the re-solve gives the sparse body (docs/sift-method.md:
   * show both).
   */
  nominalSparsity: Sparsity;
  resolvedSparsity: Sparsity;
}

/** The architecture with its width scaled for Sparse Wide at `sparsity` (input and outputs kept). */
export function widenArch(arch: ArchConfig, sparsity: Sparsity): ArchConfig {
  if (arch.kind === 'resnet') {
    return { ...arch, baseWidth: wideResNetBaseWidth(arch.baseWidth, sparsity) };
  }
  // The MLP keeps its ratio, so its width scales by k as well (docs/sift-method.md, "The four
  // transforms").
  return { ...arch, dModel: wideGptDModel(arch.dModel, arch.nHead, sparsity) };
}

function archWidth(arch: ArchConfig): number {
  return arch.kind === 'resnet' ? arch.baseWidth : arch.dModel;
}

export function sparseWideModel(base: ModelSpec, sparsity: Sparsity): WideModel {
  const wideArch = widenArch(base.arch, sparsity);
  const wide = buildSpec(wideArch, base.name);
  const wideCount = countModel(wide);
  let fixedWideMacs = 0;
  let bodyWideMacs = 0;
  for (const c of wideCount.weightLayers) {
    if (!c.inIsoFlopBudget) continue;
    if (c.isSparsified) bodyWideMacs += c.denseEquivalentMacs;
    else fixedWideMacs += c.denseEquivalentMacs;
  }
  const denseBudgetMacs = countModel(base).budget.denseEquivalentMacs;
  const solved = resolveWideBodyDensity(denseBudgetMacs, fixedWideMacs, bodyWideMacs);
  if (!(solved > 0)) {
    throw new SiftError(
      'CONFIG_INVALID',
      `Sparse Wide at s = ${sparsity}: the widened dense stem and head alone cost ` +
        `${fixedWideMacs} MACs, over the dense budget of ${denseBudgetMacs}`,
    );
  }
  // Rounding widths down can leave the body under budget even dense (small s): cap at density 1.
  const density: Density = toDensity(Math.min(1, solved));
  const spec: ModelSpec = {
    ...wide,
    layers: wide.layers.map((l) => (isWeightLayer(l) && l.isSparsified ? { ...l, density } : l)),
  };
  return {
    spec,
    scale: wideScale(sparsity),
    widthFrom: archWidth(base.arch),
    widthTo: archWidth(wideArch),
    nominalSparsity: sparsity,
    resolvedSparsity: sparsityOf(density),
  };
}
