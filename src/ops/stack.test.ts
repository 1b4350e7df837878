// stackLeading on the CPU reference: a view of parameters end to end, gradients written into
// their slots, and the copy fallbacks (testing/stack-leading.ts; the GPU runs the same checks in
// train/parallel-dispatches.gpu.test.ts, with copy counts).
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../reference/backend';
import { checkArenaStack, checkLooseStack, checkSharedLeaf } from '../testing/stack-leading';

const cpu = new CpuBackend();

describe('stackLeading', () => {
  it('views parameters that lie end to end and writes their gradients into the slots', async () => {
    expect(
      await checkArenaStack(cpu, [
        [2, 3],
        [2, 3],
        [2, 3],
      ]),
    ).toMatchObject({ isView: true, gradsInSlots: true });
    const single = await checkArenaStack(cpu, [[1, 17]]);
    expect(single).toMatchObject({ isView: false, gradsInSlots: true });
  });

  it('falls back to the tape for a leaf with a gradient and for a computed input', async () => {
    await checkLooseStack(cpu);
  });

  it("adds a stacked parameter's other gradients after its slot copy", async () => {
    await checkSharedLeaf(cpu);
  });
});
