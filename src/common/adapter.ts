// What the engine needs to know about a WebGPU adapter from its description alone. The one
// software-adapter detector: matmul variant, sparse kernel profile and CSR kernel shape all ask it.

/**
 * Adapters that run WGSL on the CPU: SwiftShader (Dawn, Chromium), Mesa's llvmpipe / lavapipe /
 * softpipe, and Windows' WARP ("Microsoft Basic Render Driver"). Names as src/gpu/device.ts joins
 * them from GPUAdapterInfo (vendor, architecture, device, description).
 */
export function isSoftwareAdapter(adapterName: string): boolean {
  return /swiftshader|llvmpipe|lavapipe|softpipe|software|\bwarp\b|microsoft basic render/i.test(
    adapterName,
  );
}
