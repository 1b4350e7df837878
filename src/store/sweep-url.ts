// A sweep as a link: the setup's URL (setup-slice.ts) plus `sweep=<transforms>;<sparsities>;
// <methods>;<seeds>`, e.g. `sweep=dense,sparse-wide;0.5,0.9;rigl;3`. Opening the link fills the
// sweep form; starting it stays the reader's click.
import { dstMethods, transformNames, type DstMethod, type TransformName } from '../spec/run-config';
import { SWEEP_URL_KEY, setupToUrl } from './setup-slice';
import type { RunConfig } from '../spec/run-config';
import type { SweepForm } from './sweep-slice';

export function sweepToUrl(config: RunConfig, form: SweepForm): string {
  const lists = [form.transforms, form.sparsities, form.methods].map((l) => l.join(','));
  const params = new URLSearchParams(setupToUrl(config));
  params.set(SWEEP_URL_KEY, [...lists, String(form.seeds)].join(';'));
  return params.toString();
}

/** The sweep form a link carries, or undefined when it has none or it does not parse. */
export function sweepFromUrl(text: string): SweepForm | undefined {
  const raw = new URLSearchParams(text.replace(/^[#?]/, '')).get(SWEEP_URL_KEY);
  if (raw === null) return undefined;
  const [t = '', s = '', m = '', seedsText = ''] = raw.split(';');
  const split = (x: string) => x.split(',').filter(Boolean);
  const transforms = split(t);
  const methods = split(m);
  const sparsities = split(s).map(Number);
  const seeds = Number(seedsText);
  const ok =
    transforms.every((x) => (transformNames as readonly string[]).includes(x)) &&
    methods.every((x) => (dstMethods as readonly string[]).includes(x)) &&
    sparsities.every((x) => Number.isFinite(x) && x > 0 && x < 1) &&
    Number.isInteger(seeds) &&
    seeds >= 1 &&
    seeds <= 20;
  if (!ok || transforms.length === 0) return undefined;
  return {
    transforms: transforms as TransformName[],
    sparsities,
    methods: methods as DstMethod[],
    seeds,
  };
}
