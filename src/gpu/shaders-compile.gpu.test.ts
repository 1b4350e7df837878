// Every shaders/*.wgsl compiles on the device (Dawn's WGSL front end, as in Chromium), and every
// registered kernel's pipeline builds with its default override constants. lib-*.wgsl files are
// prefixes, not shaders: a file is compiled with the prefix its kernels concatenate in front of it
// (src/gpu/kernels/elementwise.ts does `libUnary + unarySource`); a lib inside a kernel that uses
// it (it may need another lib, or names its user defines), or alone as written.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpuBackend } from '../testing/backends';
import { allKernels } from './kernels';

const shaderDir = join(__dirname, '..', '..', 'shaders');
const files = readdirSync(shaderDir)
  .filter((f) => f.endsWith('.wgsl'))
  .sort();

/** The full source a file is compiled as: its kernels' prefix (libs) + the file itself. */
function sourceFor(text: string): string {
  // A lib that needs another lib or names from its user compiles inside a kernel that uses it.
  const user =
    allKernels.find(({ kernel }) => kernel.source.endsWith(text)) ??
    allKernels.find(({ kernel }) => kernel.source.includes(text));
  return user ? user.kernel.source : text;
}

async function compileErrors(device: GPUDevice, label: string, code: string): Promise<string[]> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  return info.messages
    .filter((m) => m.type === 'error')
    .map((m) => `${label}:${m.lineNum}:${m.linePos} ${m.message}`);
}

describe('shaders compile', () => {
  it('finds the shader folder', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files).toContain('matmul.wgsl');
  });

  for (const file of files) {
    it(file, async () => {
      const { rt } = await gpuBackend();
      const text = readFileSync(join(shaderDir, file), 'utf8');
      expect(await compileErrors(rt.device, file, sourceFor(text))).toEqual([]);
    });
  }

  it('reports a broken shader (the check can fail)', async () => {
    const { rt } = await gpuBackend();
    rt.device.pushErrorScope('validation');
    const errors = await compileErrors(rt.device, 'broken.wgsl', 'fn f() -> u32 { return 1.5; }');
    await rt.device.popErrorScope();
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('kernel pipelines build', () => {
  for (const { module, exportName, kernel } of allKernels) {
    it(`${module}:${exportName}`, async () => {
      const { rt } = await gpuBackend();
      rt.device.pushErrorScope('validation');
      rt.pipelines.get(kernel, { ...kernel.constants });
      const error = await rt.device.popErrorScope();
      expect(error?.message ?? null).toBeNull();
    });
  }
});
