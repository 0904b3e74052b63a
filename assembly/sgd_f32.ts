// SGD with momentum, PyTorch's definition (dampening 0): g = grad + wd*w; v = mu*v + g;
// w -= lr * (nesterov ? g + mu*v : v). With v starting at 0 the first step matches PyTorch's
// "buffer = grad" start, and momentum 0 reduces to plain SGD.

/** One update of len weights in place; velocity is updated in place too. nesterov: 0 or 1. */
export function f32_sgd_step(
  w: usize,
  grad: usize,
  velocity: usize,
  len: i32,
  lr: f32,
  momentum: f32,
  weightDecay: f32,
  nesterov: i32,
): void {
  const vLr = f32x4.splat(lr);
  const vMu = f32x4.splat(momentum);
  const vWd = f32x4.splat(weightDecay);
  const vecBytes = <usize> (len & ~3) << 2;
  const end = <usize> len << 2;
  let i: usize = 0;
  if (nesterov) {
    for (; i < vecBytes; i += 16) {
      const wv = v128.load(w + i);
      const g = f32x4.add(v128.load(grad + i), f32x4.mul(vWd, wv));
      const v = f32x4.add(f32x4.mul(vMu, v128.load(velocity + i)), g);
      v128.store(velocity + i, v);
      v128.store(w + i, f32x4.sub(wv, f32x4.mul(vLr, f32x4.add(g, f32x4.mul(vMu, v)))));
    }
    for (; i < end; i += 4) {
      const wv = load<f32>(w + i);
      const g = load<f32>(grad + i) + weightDecay * wv;
      const v = momentum * load<f32>(velocity + i) + g;
      store<f32>(velocity + i, v);
      store<f32>(w + i, wv - lr * (g + momentum * v));
    }
  } else {
    for (; i < vecBytes; i += 16) {
      const wv = v128.load(w + i);
      const g = f32x4.add(v128.load(grad + i), f32x4.mul(vWd, wv));
      const v = f32x4.add(f32x4.mul(vMu, v128.load(velocity + i)), g);
      v128.store(velocity + i, v);
      v128.store(w + i, f32x4.sub(wv, f32x4.mul(vLr, v)));
    }
    for (; i < end; i += 4) {
      const wv = load<f32>(w + i);
      const v = momentum * load<f32>(velocity + i) + (load<f32>(grad + i) + weightDecay * wv);
      store<f32>(velocity + i, v);
      store<f32>(w + i, wv - lr * v);
    }
  }
}
