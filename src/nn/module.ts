// Module: a tree of named children and parameters, with PyTorch's module paths, so that
// `namedParameters()` yields exactly the state-dict keys the export writes (`layer1.0.conv1.weight`).
import { keep } from '../tensor/scope';
import type { Tensor } from '../tensor/tensor';

export abstract class Module {
  private readonly children = new Map<string, Module>();
  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, Tensor>();
  training = true;

  protected addModule<M extends Module>(name: string, module: M): M {
    this.children.set(name, module);
    return module;
  }

  /** A trainable tensor; it lives outside every scope until the module is disposed. */
  protected addParameter(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    t.name = name;
    this.params.set(name, keep(t));
    return t;
  }

  /** State that is saved but not trained (BatchNorm running statistics). */
  protected addBuffer(name: string, t: Tensor): Tensor {
    t.name = name;
    this.buffers.set(name, keep(t));
    return t;
  }

  *namedChildren(prefix = ''): Generator<[string, Module]> {
    for (const [name, child] of this.children) {
      const path = prefix ? `${prefix}.${name}` : name;
      yield [path, child];
      yield* child.namedChildren(path);
    }
  }

  *namedParameters(prefix = ''): Generator<[string, Tensor]> {
    for (const [name, p] of this.params) yield [prefix ? `${prefix}.${name}` : name, p];
    for (const [name, child] of this.children) {
      yield* child.namedParameters(prefix ? `${prefix}.${name}` : name);
    }
  }

  *namedBuffers(prefix = ''): Generator<[string, Tensor]> {
    for (const [name, b] of this.buffers) yield [prefix ? `${prefix}.${name}` : name, b];
    for (const [name, child] of this.children) {
      yield* child.namedBuffers(prefix ? `${prefix}.${name}` : name);
    }
  }

  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  /** Parameters and buffers, as a PyTorch state_dict would list them. */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  train(on = true): this {
    this.training = on;
    for (const c of this.children.values()) c.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  dispose(): void {
    for (const p of this.params.values()) {
      p.grad?.dispose();
      p.dispose();
    }
    for (const b of this.buffers.values()) b.dispose();
    for (const c of this.children.values()) c.dispose();
  }
}
