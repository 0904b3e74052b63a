/**
 * The functions the wasm engine exports, as the host sees them.
 *
 * Conventions (every kernel follows them):
 * - Every pointer is a byte offset into the module's linear memory, 16-byte aligned, placed
 *   there by the host (src/engine/arena.ts). Kernels allocate nothing and keep no state.
 * - Activations are NHWC float32: element (n, y, x, c) of an N x H x W x C tensor is at
 *   ((n * H + y) * W + x) * C + c.
 * - Convolution weights are HWIO: element (ky, kx, ci, co) at ((ky * KW + kx) * C + ci) * K + co.
 *   Dense weights are [IN][OUT]. Biases and batch-norm parameters are one value per channel.
 * - A pointer argument documented "optional" is skipped when 0.
 * - Backward kernels OVERWRITE their outputs (dx, dw, ...); the graph executor sums the
 *   gradients of tensors that feed several consumers with `f32_add_inplace`.
 * - Spatial geometry is given in full: stride (sh, sw), padding before (pt, pl) and the
 *   output size (oh, ow); padding after is whatever makes the output size come out, so
 *   asymmetric "same" padding needs no extra argument. Out-of-image taps read as 0.
 */
export interface Kernels {
  memory: WebAssembly.Memory;
  /** First byte the host may use. */
  heap_base(): number;

  // ---- convolution (assembly/conv2d_f32.ts) ----
  /** y[n,oy,ox,co] = bias[co] + sum_{ky,kx,ci} x[n, oy*sh-pt+ky, ox*sw-pl+kx, ci] * w[ky,kx,ci,co]. bias optional. */
  f32_conv2d_fwd(
    x: number,
    w: number,
    bias: number,
    y: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    k: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;
  /** dx = d(sum dy*y)/dx. scratch: at least kh*kw*c*k floats (re-packed weights). */
  f32_conv2d_bwd_input(
    dy: number,
    w: number,
    dx: number,
    scratch: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    k: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;
  /** dw = d/dw, dbias (optional) = sum of dy over n, oy, ox. */
  f32_conv2d_bwd_weights(
    x: number,
    dy: number,
    dw: number,
    dbias: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    k: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;

  // ---- depthwise convolution, one filter per channel (assembly/dwconv2d_f32.ts) ----
  // Weights are HWC: element (ky, kx, ch) at (ky * KW + kx) * C + ch. Any kernel, stride and
  // padding; the search uses 3x3 and 5x5, stride 1 and 2.
  /** y[n,oy,ox,ch] = bias[ch] + sum_{ky,kx} x[n, oy*sh-pt+ky, ox*sw-pl+kx, ch] * w[ky,kx,ch]. bias optional. */
  f32_dwconv2d_fwd(
    x: number,
    w: number,
    bias: number,
    y: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;
  /** dx = d(sum dy*y)/dx. */
  f32_dwconv2d_bwd_input(
    dy: number,
    w: number,
    dx: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;
  /** dw = d/dw ([kh][kw][c]), dbias (optional) = sum of dy over n, oy, ox. */
  f32_dwconv2d_bwd_weights(
    x: number,
    dy: number,
    dw: number,
    dbias: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;

  // ---- 3x3 stride-1 convolution by Winograd F(4x4, 3x3) (assembly/winograd_f32.ts) ----
  // Same results as the direct kernels above with kh = kw = 3, sh = sw = 1, up to float32
  // rounding (a few times the direct kernels', about 1e-5 of the outputs' magnitude), with a
  // quarter of the multiplies. Geometry as above without kh, kw, sh, sw. One scratch may
  // serve every pass and layer in turn, sized for the widest.
  /** Floats of scratch each Winograd kernel needs for c input and k output channels. */
  f32_conv3x3s1_winograd_scratch(c: number, k: number): number;
  /** f32_conv2d_fwd for a 3x3 stride-1 kernel. bias optional. */
  f32_conv3x3s1_fwd_winograd(
    x: number,
    w: number,
    bias: number,
    y: number,
    scratch: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    k: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;
  /** f32_conv2d_bwd_input for a 3x3 stride-1 kernel. */
  f32_conv3x3s1_bwd_input_winograd(
    dy: number,
    w: number,
    dx: number,
    scratch: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    k: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;
  /** f32_conv2d_bwd_weights for a 3x3 stride-1 kernel. dbias optional. */
  f32_conv3x3s1_bwd_weights_winograd(
    x: number,
    dy: number,
    dw: number,
    dbias: number,
    scratch: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    k: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;

  // ---- batch normalisation over count = N*H*W rows of C channels (assembly/batchnorm_f32.ts) ----
  /**
   * Training: batch mean and biased variance per channel; y = gamma*(x-mean)*invstd + beta.
   * Saves mean and invstd = 1/sqrt(var+eps) for the backward pass; updates the running
   * statistics as PyTorch does: run = (1-momentum)*run + momentum*batch, with the UNBIASED
   * variance (count/(count-1)) going into run_var.
   */
  f32_batchnorm_fwd_train(
    x: number,
    y: number,
    gamma: number,
    beta: number,
    mean: number,
    invstd: number,
    run_mean: number,
    run_var: number,
    count: number,
    c: number,
    momentum: number,
    eps: number,
  ): void;
  /** Inference: y = gamma*(x-run_mean)/sqrt(run_var+eps) + beta. */
  f32_batchnorm_fwd_infer(
    x: number,
    y: number,
    gamma: number,
    beta: number,
    run_mean: number,
    run_var: number,
    count: number,
    c: number,
    eps: number,
  ): void;
  /** Backward of the training forward: dx, dgamma, dbeta (overwritten). */
  f32_batchnorm_bwd(
    x: number,
    dy: number,
    gamma: number,
    mean: number,
    invstd: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    count: number,
    c: number,
  ): void;

  // ---- element-wise (assembly/elementwise_f32.ts) ----
  /** y = max(x, 0); y may equal x. */
  f32_relu_fwd(x: number, y: number, len: number): void;
  /** dx = y > 0 ? dy : 0, from the forward OUTPUT y; dx may equal dy. */
  f32_relu_bwd(y: number, dy: number, dx: number, len: number): void;
  /** y = a + b (residual sum); y may equal a or b. */
  f32_add(a: number, b: number, y: number, len: number): void;
  /** y += x. */
  f32_add_inplace(y: number, x: number, len: number): void;
  f32_copy(src: number, dst: number, len: number): void;
  f32_fill(dst: number, value: number, len: number): void;
  /** Channel concatenation of rows: y[p, 0:ca] = a[p, :], y[p, ca:ca+cb] = b[p, :], p < rows. */
  f32_concat_fwd(a: number, b: number, y: number, rows: number, ca: number, cb: number): void;
  /** Splits dy back: da[p,:] = dy[p, 0:ca], db[p,:] = dy[p, ca:]. */
  f32_concat_bwd(dy: number, da: number, db: number, rows: number, ca: number, cb: number): void;

  // ---- pooling (assembly/pool_f32.ts) ----
  /** Max over the window; taps outside the image are ignored. argmax (i32 per output) keeps
   * the flat input index (within the whole x tensor) of the winner for the backward pass. */
  f32_maxpool_fwd(
    x: number,
    y: number,
    argmax: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;
  /** dx = 0, then dx[argmax[i]] += dy[i]. lenX = n*h*w*c, lenY = n*oh*ow*c. */
  f32_maxpool_bwd(dy: number, argmax: number, dx: number, lenX: number, lenY: number): void;
  /** Mean over the window's taps that lie inside the image (padding not counted). */
  f32_avgpool_fwd(
    x: number,
    y: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;
  f32_avgpool_bwd(
    dy: number,
    dx: number,
    n: number,
    h: number,
    wd: number,
    c: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
  ): void;
  /** Global average pooling: y[n, c] = mean over h*w of x[n, :, :, c]. hw = h*w. */
  f32_gap_fwd(x: number, y: number, n: number, hw: number, c: number): void;
  f32_gap_bwd(dy: number, dx: number, n: number, hw: number, c: number): void;

  // ---- fully connected (assembly/dense_f32.ts) ----
  /** y[n, o] = bias[o] + sum_i x[n, i] * w[i, o]; bias optional. */
  f32_dense_fwd(
    x: number,
    w: number,
    bias: number,
    y: number,
    n: number,
    inF: number,
    outF: number,
  ): void;
  /** dx (optional) = dy w^T; dw = x^T dy; dbias (optional) = column sums of dy. */
  f32_dense_bwd(
    x: number,
    w: number,
    dy: number,
    dx: number,
    dw: number,
    dbias: number,
    n: number,
    inF: number,
    outF: number,
  ): void;

  // ---- loss (assembly/loss_f32.ts) ----
  /**
   * Mean softmax cross-entropy of logits [n, k] against labels (i32 per row); writes
   * dlogits = (softmax - onehot) / n (optional) and returns the mean loss. Numerically
   * stable (subtracts the row max).
   */
  f32_softmax_xent(logits: number, labels: number, dlogits: number, n: number, k: number): number;

  // ---- optimiser (assembly/sgd_f32.ts) ----
  /**
   * SGD with momentum as PyTorch defines it: g = grad + wd*w; v = mu*v + g;
   * w -= lr * (nesterov ? g + mu*v : v).
   */
  f32_sgd_step(
    w: number,
    grad: number,
    velocity: number,
    len: number,
    lr: number,
    momentum: number,
    weightDecay: number,
    nesterov: number,
  ): void;
}
