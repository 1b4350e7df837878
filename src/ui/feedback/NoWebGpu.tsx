/** What to do when the browser has no WebGPU: the page still explains itself. */
export function NoWebGpu() {
  return (
    <div className="banner bad no-webgpu" role="alert" data-testid="no-webgpu">
      <p>
        <strong>This browser has no WebGPU</strong>, so it cannot train here. Use Chrome or Edge 113
        or newer (on Linux start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan),
        Safari 26, or Firefox 141 or newer.
      </p>
      <p className="muted">
        The settings and the FLOP readout below still work, and a link still reproduces a setup.
      </p>
    </div>
  );
}
