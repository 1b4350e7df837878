// Weight decay by element range over an arena of parameter groups (src/nn/optim/param-arena.ts
// keeps each group's parameters contiguous), shared by sgd.wgsl and adamw.wgsl (concatenated in
// front of them): element i decays by decay0 below end0, decay1 below end1, decay2 below end2,
// else decay3. The including shader's Params ends with a `decay: DecayRanges` member at a 16-byte
// offset (a struct member of the uniform address space must be 16-byte aligned), so the host
// packs its fields right after the scalars before it.

struct DecayRanges {
  end0: u32,
  end1: u32,
  end2: u32,
  decay0: f32,
  decay1: f32,
  decay2: f32,
  decay3: f32,
}

fn weight_decay(r: DecayRanges, i: u32) -> f32 {
  if (i < r.end0) { return r.decay0; }
  if (i < r.end1) { return r.decay1; }
  if (i < r.end2) { return r.decay2; }
  return r.decay3;
}
