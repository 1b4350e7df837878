// Compare two arrays within |got - want| <= atol + rtol * |want| and report the worst element,
// like llm.c's check_tensor. NaN equals NaN only where both are NaN.
export interface CloseOptions {
  atol?: number;
  rtol?: number;
  label?: string;
}

export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  { atol = 1e-5, rtol = 1e-4, label = 'tensor' }: CloseOptions = {},
): void {
  if (got.length !== want.length) {
    throw new Error(`${label}: length ${got.length} != expected ${want.length}`);
  }
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < got.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    const excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (!(excess <= 0)) {
      bad++;
      if (worst < 0 || excess > worstExcess || Number.isNaN(excess)) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (bad > 0) {
    throw new Error(
      `${label}: ${bad}/${got.length} values differ; worst at [${worst}]: got ${got[worst]}, ` +
        `want ${want[worst]} (|diff| ${Math.abs(got[worst] - want[worst]).toExponential(3)}, ` +
        `atol ${atol}, rtol ${rtol})`,
    );
  }
}
