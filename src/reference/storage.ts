// CPU reference storage: float64, so gradient checks by finite differences are meaningful.
import type { Storage } from '../tensor/backend';

export class CpuStorage implements Storage {
  constructor(readonly data: Float64Array) {}
  get size(): number {
    return this.data.length;
  }
}

export const cpu = (s: Storage): Float64Array => (s as CpuStorage).data;
export const wrap = (data: Float64Array): CpuStorage => new CpuStorage(data);
