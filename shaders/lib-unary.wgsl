// Elementwise unary functions and their derivatives, shared by elementwise-unary.wgsl and
// elementwise-unary-backward.wgsl (concatenated in front of them). The op is an override constant.
// Op codes (keep in sync with UNARY_CODES in src/gpu/kernels/elementwise.ts):
//   0 neg, 1 exp, 2 log, 3 sqrt, 4 abs, 5 relu, 6 gelu (tanh approximation), 7 tanh, 8 sigmoid,
//   9 square, 10 scale (x * alpha), 11 add-scalar (x + alpha), 12 pow-scalar (x ^ alpha)

override OP: u32 = 0u;
const GELU_C: f32 = 0.7978845608028654; // sqrt(2 / pi)

fn gelu_inner(v: f32) -> f32 {
  return GELU_C * (v + 0.044715 * v * v * v);
}

// tanh that saturates cleanly: WGSL's tanh may return NaN for large |v| on some drivers.
fn safe_tanh(v: f32) -> f32 {
  let c = clamp(v, -15.0, 15.0);
  let e = exp(2.0 * c);
  return (e - 1.0) / (e + 1.0);
}

fn unary_value(v: f32, alpha: f32) -> f32 {
  switch OP {
    case 0u: { return -v; }
    case 1u: { return exp(v); }
    case 2u: { return log(v); }
    case 3u: { return sqrt(v); }
    case 4u: { return abs(v); }
    case 5u: { return max(v, 0.0); }
    case 6u: { return 0.5 * v * (1.0 + safe_tanh(gelu_inner(v))); }
    case 7u: { return safe_tanh(v); }
    case 8u: { return 1.0 / (1.0 + exp(-v)); }
    case 9u: { return v * v; }
    case 10u: { return v * alpha; }
    case 11u: { return v + alpha; }
    default: { return pow_signed(v, alpha); }
  }
}

// pow with integer exponents defined for negative bases, as in JavaScript's Math.pow.
fn pow_signed(v: f32, p: f32) -> f32 {
  if (v >= 0.0 || fract(p) != 0.0) { return pow(v, p); }
  let r = pow(-v, p);
  if (fract(p * 0.5) != 0.0) { return -r; }
  return r;
}

fn unary_derivative(v: f32, alpha: f32) -> f32 {
  switch OP {
    case 0u: { return -1.0; }
    case 1u: { return exp(v); }
    case 2u: { return 1.0 / v; }
    case 3u: { return 0.5 / sqrt(v); }
    case 4u: { return sign(v); }
    case 5u: { return select(0.0, 1.0, v > 0.0); }
    case 6u: {
      let t = safe_tanh(gelu_inner(v));
      return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * 0.044715 * v * v);
    }
    case 7u: { let t = safe_tanh(v); return 1.0 - t * t; }
    case 8u: { let s = 1.0 / (1.0 + exp(-v)); return s * (1.0 - s); }
    case 9u: { return 2.0 * v; }
    case 10u: { return alpha; }
    case 11u: { return 1.0; }
    default: { return alpha * pow_signed(v, alpha - 1.0); }
  }
}
