// Every kernel's TypeScript description matches its WGSL (the convention of src/gpu/kernel.ts):
// storage buffers at @group(0) @binding(0..n-1) with the declared access, the params uniform at
// @binding(n), and `struct Params` fields with the names, order and types of `params`. A mismatch
// here would otherwise surface as garbage sizes on the GPU or a bind-group validation error.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allKernels } from './kernels';

interface WgslBinding {
  binding: number;
  /** 'storage', 'uniform', ...; access 'read' | 'read_write' for storage. */
  space: string;
  access: string;
  name: string;
  type: string;
}

const stripComments = (src: string): string =>
  src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

export function wgslBindings(src: string): WgslBinding[] {
  const re =
    /@group\(\s*0\s*\)\s*@binding\(\s*(\d+)\s*\)\s*var\s*(?:<\s*(\w+)\s*(?:,\s*(\w+)\s*)?>)?\s*(\w+)\s*:\s*([^;]+);/g;
  return [...stripComments(src).matchAll(re)].map((m) => ({
    binding: Number(m[1]),
    space: m[2] ?? 'handle',
    access: m[2] === 'storage' ? (m[3] ?? 'read') : (m[3] ?? ''),
    name: m[4],
    type: m[5].trim(),
  }));
}

/**
 * Fields of `struct <name> { ... }` as [name, type], in declaration order; a field whose type is
 * another struct of the source (lib-weight-decay.wgsl's DecayRanges) stands for that struct's
 * fields, as the host packs them flat.
 */
export function wgslParamsFields(src: string, struct = 'Params'): [string, string][] | null {
  const code = stripComments(src);
  const m = new RegExp(`struct\\s+${struct}\\s*\\{([^}]*)\\}`).exec(code);
  if (!m) return null;
  return m[1]
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .flatMap((f): [string, string][] => {
      const [name, type] = f.split(':').map((s) => s.trim());
      const nested = type !== struct ? wgslParamsFields(code, type) : null;
      return nested ?? [[name.replace(/^@\w+(\([^)]*\))?\s*/, ''), type]];
    });
}

describe('wgsl parsing helpers', () => {
  const sample = `
    // @group(0) @binding(9) var<storage, read> commented_out: array<f32>;
    @group(0) @binding(0) var<storage, read> x: array<f32>;
    @group(0) @binding(1) var<storage> y: array<vec4<f32>>;
    @group(0) @binding(2) var<storage, read_write> out: array<atomic<u32>>;
    @group(0) @binding(3) var<uniform> params: Params;
    struct Params { n: u32, alpha: f32, // trailing comment
      shift: i32, }`;
  it('reads bindings with their access, skipping comments', () => {
    expect(wgslBindings(sample).map((b) => [b.binding, b.space, b.access, b.name])).toEqual([
      [0, 'storage', 'read', 'x'],
      [1, 'storage', 'read', 'y'],
      [2, 'storage', 'read_write', 'out'],
      [3, 'uniform', '', 'params'],
    ]);
  });
  it('reads the Params fields in order', () => {
    expect(wgslParamsFields(sample)).toEqual([
      ['n', 'u32'],
      ['alpha', 'f32'],
      ['shift', 'i32'],
    ]);
  });
  it('flattens a field of another struct of the source', () => {
    const nested = `struct Inner { a: u32, b: f32 }
      struct Params { n: u32, pad0: u32, pad1: u32, pad2: u32, inner: Inner }`;
    expect(wgslParamsFields(nested)?.map(([name]) => name)).toEqual([
      'n',
      'pad0',
      'pad1',
      'pad2',
      'a',
      'b',
    ]);
  });
});

describe('kernel registry', () => {
  it('holds at least one kernel from every module that calls defineKernel', () => {
    const dir = join(__dirname, 'kernels');
    const modules = readdirSync(dir).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts',
    );
    const defining = modules.filter((f) =>
      readFileSync(join(dir, f), 'utf8').includes('defineKernel('),
    );
    expect(defining.length).toBeGreaterThan(5);
    const registered = new Set(allKernels.map((k) => k.module));
    expect(defining.filter((f) => !registered.has(f))).toEqual([]);
  });

  it('has no two kernels with one name (bind groups and pipelines are cached by name)', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const { module, exportName, kernel } of allKernels) {
      const where = `${module}:${exportName}`;
      const other = seen.get(kernel.name);
      // The same kernel object exported twice is fine; two different kernels are not.
      if (
        other &&
        allKernels.find((k) => `${k.module}:${k.exportName}` === other)?.kernel !== kernel
      ) {
        clashes.push(`${kernel.name}: ${other} and ${where}`);
      }
      seen.set(kernel.name, where);
    }
    expect(clashes).toEqual([]);
  });
});

describe.each(allKernels.map((k) => [`${k.module}:${k.exportName}`, k.kernel] as const))(
  '%s matches its WGSL',
  (_, kernel) => {
    it('declares the entry point as a compute function', () => {
      const re = new RegExp(`@compute[\\s\\S]*?fn\\s+${kernel.entryPoint}\\s*\\(`);
      expect(re.test(stripComments(kernel.source))).toBe(true);
    });

    it('binds storage buffers 0..n-1 with the declared access, then the params uniform at n', () => {
      const got = wgslBindings(kernel.source)
        .sort((x, y) => x.binding - y.binding)
        .map((b) => `${b.binding}:${b.space}${b.access ? `,${b.access}` : ''}`);
      const want = kernel.bindings.map(
        (access, i) => `${i}:storage,${access === 'read' ? 'read' : 'read_write'}`,
      );
      want.push(`${kernel.bindings.length}:uniform`);
      expect(got).toEqual(want);
    });

    it('has a Params struct with the names, order and types of params', () => {
      const fields = wgslParamsFields(kernel.source);
      expect(fields).toEqual(kernel.params.map(([name, type]) => [name, type]));
      const uniform = wgslBindings(kernel.source).find((b) => b.space === 'uniform');
      expect(uniform?.type).toBe('Params');
    });
  },
);
