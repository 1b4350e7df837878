// A float32 tensor on some backend, with an optional creator node for reverse-mode autograd.
import { SiftError } from '../common/errors';
import type { Backend, Storage } from './backend';
import { track } from './scope';
import { type Shape, sizeOf } from './shape';

/** How a tensor was made: its inputs and the rule that maps its gradient to theirs. */
export interface Creator {
  op: string;
  inputs: readonly Tensor[];
  /** Gradient of each input given the output's gradient (null where none is needed). */
  backward: (grad: Tensor) => readonly (Tensor | null)[];
}

let nextId = 1;

// Reshapes share storage, so memory is reference counted: the last tensor disposed releases it.
const storageRefs = new WeakMap<Storage, number>();

export class Tensor {
  readonly isTensor = true;
  readonly id = nextId++;
  readonly shape: Shape;
  readonly size: number;
  requiresGrad: boolean;
  grad: Tensor | null = null;
  /**
   * Where backward() writes this leaf's gradient when it has none yet (a slice of an optimiser's
   * gradient arena); null: a fresh storage.
   */
  gradSlot: Storage | null = null;
  creator: Creator | null = null;
  name: string;
  private storageRef: Storage | null;

  constructor(
    readonly backend: Backend,
    storage: Storage,
    shape: Shape,
    options: { requiresGrad?: boolean; name?: string } = {},
  ) {
    const size = sizeOf(shape);
    if (size !== storage.size) {
      throw new SiftError(
        'SHAPE_MISMATCH',
        `tensor shape [${shape.join(', ')}] needs ${size} values, storage has ${storage.size}`,
      );
    }
    this.shape = [...shape];
    this.size = size;
    this.storageRef = storage;
    storageRefs.set(storage, (storageRefs.get(storage) ?? 0) + 1);
    this.requiresGrad = options.requiresGrad ?? false;
    this.name = options.name ?? '';
    track(this);
  }

  get storage(): Storage {
    if (!this.storageRef) {
      throw new SiftError('TENSOR_RELEASED', `tensor ${this.name || this.id} was already released`);
    }
    return this.storageRef;
  }

  get isDisposed(): boolean {
    return this.storageRef === null;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Copy the values to the host (a readback on the GPU: use sparingly). */
  async data(): Promise<Float32Array> {
    return this.backend.read(this.storage);
  }

  /** Release the memory now; the tensor cannot be used afterwards. Safe to call twice. */
  dispose(): void {
    if (this.storageRef) {
      this.unref(this.storageRef);
      this.storageRef = null;
    }
    this.creator = null;
  }

  // The last tensor over a storage releases it.
  private unref(s: Storage): void {
    const refs = (storageRefs.get(s) ?? 1) - 1;
    if (refs <= 0) {
      storageRefs.delete(s);
      this.backend.release(s);
    } else {
      storageRefs.set(s, refs);
    }
  }

  /**
   * Copy the values into `storage` (same size, e.g. a slice of an optimiser's arena) and use it
   * from now on, releasing the old memory if nothing else holds it. Views made earlier keep the
   * old memory.
   */
  moveTo(storage: Storage): void {
    if (storage.size !== this.size) {
      throw new SiftError(
        'SHAPE_MISMATCH',
        `moveTo: tensor ${this.name || this.id} has ${this.size} values, storage ${storage.size}`,
      );
    }
    const old = this.storage;
    this.backend.assign(storage, old);
    this.unref(old);
    this.storageRef = storage;
    storageRefs.set(storage, (storageRefs.get(storage) ?? 0) + 1);
  }

  /** A tensor of another shape over the same memory (no copy, no autograd record). */
  view(shape: Shape): Tensor {
    return new Tensor(this.backend, this.storage, shape);
  }

  toString(): string {
    return `Tensor(${this.name || this.id}, [${this.shape.join(', ')}])`;
  }
}

export function tensor(
  backend: Backend,
  values: ArrayLike<number>,
  shape: Shape,
  options: { requiresGrad?: boolean; name?: string } = {},
): Tensor {
  if (values.length !== sizeOf(shape)) {
    throw new SiftError(
      'SHAPE_MISMATCH',
      `${values.length} values given for shape [${shape.join(', ')}]`,
    );
  }
  return new Tensor(backend, backend.upload(values), shape, options);
}

export function zeros(
  backend: Backend,
  shape: Shape,
  options: { requiresGrad?: boolean; name?: string } = {},
): Tensor {
  return new Tensor(backend, backend.zeros(sizeOf(shape)), shape, options);
}

export function full(backend: Backend, shape: Shape, value: number): Tensor {
  return new Tensor(backend, backend.fill(sizeOf(shape), value), shape);
}
