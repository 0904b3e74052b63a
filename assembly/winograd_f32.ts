// Float32 3x3 stride-1 convolutions by Winograd's minimal filtering F(4x4, 3x3): forward,
// backward-to-input and backward-to-weights, with the semantics of the direct kernels in
// conv2d_f32.ts (NHWC activations, HWIO weights, any padding before, output size given).
//
// Each 4x4 block of outputs (a "tile") comes from a 6x6 input patch d:
//   Y = A^T [(G g G^T) . (B^T d B)] A        (winograd_transform.ts)
// so the 144 multiplies per tile and channel pair of the direct method become 36, one per
// position of the 6x6 transform domain. Over channels every position is a matrix product
//   M[pos][tile][co] = sum_ci V[pos][tile][ci] * U[pos][ci][co]        (winograd_product.ts)
// Tiles go in blocks (running on across images) small enough for V and M to stay in cache
// between the input transforms, the 36 products and the output transforms.
//
// Backward-to-input is the forward convolution of dy with the flipped, transposed filter and
// padding 2 - pad. Backward-to-weights reads the same identity the other way:
//   dg = G^T [sum over tiles of (A dY A^T) . (B^T d B)] G,
// per position a sum of outer products over the tiles (the direct wgrad micro-kernel).
//
// Accuracy: the transforms scale values by up to 5x and 1/24, so results carry more float32
// rounding than the direct sums: tests/kernels/winograd_test.ts measures it against the
// float64 reference (about 1e-5 of the outputs' magnitude at 64 channels).
import { biasGrad, wgradSpan } from "./conv2d_wgrad";
import { blockProduct } from "./winograd_product";
import {
  filterGradTransform,
  filterTransform,
  gradPatch,
  inputPatch,
  outputTile,
} from "./winograd_transform";

/** Positions of the 6x6 transform domain. */
const POS: i32 = 36;

/** Where warmRows leaves the words it read, so that its loads are not dead code. */
const WARM_SINK: usize = memory.data(4, 4);

/** Tiles per block: V and M of one position stay within a few KiB. */
function blockTiles(c: i32, k: i32): i32 {
  return max(16, min(64, (2048 / max(c, k)) & ~3));
}

/**
 * Floats of scratch the Winograd kernels need for c input and k output channels (the same
 * for all three passes): transformed filter, flipped filter, one block of transformed tiles
 * and their products, and a staging patch for tiles at the image edges.
 */
export function f32_conv3x3s1_winograd_scratch(c: i32, k: i32): i32 {
  return POS * c * k + 9 * c * k + POS * (blockTiles(c, k) * (c + k) + 32) + POS * max(c, k);
}

/** f32_conv2d_fwd for a 3x3 kernel with stride 1. scratch: see f32_conv3x3s1_winograd_scratch. */
export function f32_conv3x3s1_fwd_winograd(
  x: usize,
  w: usize,
  bias: usize,
  y: usize,
  scratch: usize,
  n: i32,
  h: i32,
  wd: i32,
  c: i32,
  k: i32,
  pt: i32,
  pl: i32,
  oh: i32,
  ow: i32,
): void {
  filterTransform(w, scratch, c, k);
  winogradConv(x, n, h, wd, c, scratch, k, pt, pl, y, oh, ow, bias, scratch + blockOffset(c, k));
}

/** f32_conv2d_bwd_input for a 3x3 kernel with stride 1 (dx overwritten). */
export function f32_conv3x3s1_bwd_input_winograd(
  dy: usize,
  w: usize,
  dx: usize,
  scratch: usize,
  n: i32,
  h: i32,
  wd: i32,
  c: i32,
  k: i32,
  pt: i32,
  pl: i32,
  oh: i32,
  ow: i32,
): void {
  const flipped = scratch + filterBytes(c, k);
  flipFilter(w, flipped, c, k);
  filterTransform(flipped, scratch, k, c);
  const work = scratch + blockOffset(c, k);
  winogradConv(dy, n, oh, ow, k, scratch, c, 2 - pt, 2 - pl, dx, h, wd, 0, work);
}

/** f32_conv2d_bwd_weights for a 3x3 kernel with stride 1 (dw and dbias overwritten). */
export function f32_conv3x3s1_bwd_weights_winograd(
  x: usize,
  dy: usize,
  dw: usize,
  dbias: usize,
  scratch: usize,
  n: i32,
  h: i32,
  wd: i32,
  c: i32,
  k: i32,
  pt: i32,
  pl: i32,
  oh: i32,
  ow: i32,
): void {
  if (dbias != 0) biasGrad(dy, dbias, n * oh * ow, k);
  const tiles = blockTiles(c, k);
  const du = scratch;
  const vBase = scratch + blockOffset(c, k);
  const gBase = vBase + <usize> POS * posBytes(tiles, c);
  const stage = gBase + <usize> POS * posBytes(tiles, k);
  const vPos = posBytes(tiles, c);
  const gPos = posBytes(tiles, k);
  memory.fill(du, 0, filterBytes(c, k));
  const tilesX = (ow + 3) >> 2;
  const perImg = tilesX * ((oh + 3) >> 2);
  const total = n * perImg;
  const xImgBytes = <usize> (h * wd * c) * 4;
  const dyImgBytes = <usize> (oh * ow * k) * 4;
  const xRow = <usize> wd * <usize> c * 4;
  const dyRow = <usize> ow * <usize> k * 4;
  for (let t0 = 0; t0 < total; t0 += tiles) {
    const count = min(tiles, total - t0);
    const last = t0 + count - 1;
    const b0 = t0 / perImg, b1 = last / perImg;
    const ty0 = (t0 - b0 * perImg) / tilesX, ty1 = (last - b1 * perImg) / tilesX;
    warmRows(x, xImgBytes, xRow, h, b0, 4 * ty0 - pt, b1, 4 * ty1 - pt + 6);
    warmRows(dy, dyImgBytes, dyRow, oh, b0, 4 * ty0, b1, 4 * ty1 + 4);
    for (let t = 0; t < count; t++) {
      const b = (t0 + t) / perImg;
      const r = t0 + t - b * perImg;
      const ty = r / tilesX;
      const tx = r - ty * tilesX;
      const xImg = x + <usize> b * xImgBytes;
      inputTile(xImg, h, wd, c, 4 * ty - pt, 4 * tx - pl, vBase + <usize> (t * c) * 4, vPos, stage);
      const dyImg = dy + <usize> b * dyImgBytes;
      gradTile(dyImg, oh, ow, k, 4 * ty, 4 * tx, gBase + <usize> (t * k) * 4, gPos, stage);
    }
    for (let pos = 0; pos < POS; pos++) {
      wgradSpan(
        vBase + <usize> pos * vPos,
        gBase + <usize> pos * gPos,
        du + <usize> (pos * c * k) * 4,
        c,
        k,
        1,
        count,
        <usize> c * 4,
        0,
        0,
      );
    }
  }
  filterGradTransform(du, dw, c, k);
}

/**
 * Reads one word per cache line, in address order, of the rows a block visits: from row y0
 * of image b0 to row y1 (exclusive) of image b1, rows clamped to [0, rows). The transforms
 * visit these rows six (or four) at a time, a few pixels a step, which the hardware
 * prefetchers follow poorly; walked in order first, the rows come in at streaming speed
 * (16-channel layers 15% faster, 64-channel ones 4%).
 */
function warmRows(
  base: usize,
  imgBytes: usize,
  rowBytes: usize,
  rows: i32,
  b0: i32,
  y0: i32,
  b1: i32,
  y1: i32,
): void {
  let p = base + <usize> b0 * imgBytes + <usize> max(0, y0) * rowBytes;
  const end = base + <usize> b1 * imgBytes + <usize> min(rows, y1) * rowBytes;
  let sink = 0;
  for (; p < end; p += 64) sink ^= load<i32>(p);
  store<i32>(WARM_SINK, sink);
}

function filterBytes(c: i32, k: i32): usize {
  return <usize> (POS * c * k) * 4;
}

/** Where the block buffers start: after the transformed and the flipped filter. */
function blockOffset(c: i32, k: i32): usize {
  return <usize> ((POS + 9) * c * k) * 4;
}

/**
 * Bytes between the positions of a block: one cache line more than the data, so that the 36
 * slots of a tile do not fall into a few cache sets (blocks are often a multiple of 4 KiB).
 */
function posBytes(tiles: i32, channels: i32): usize {
  return <usize> (tiles * channels) * 4 + 64;
}

/**
 * out = conv(inp, filter whose transform is u) + bias (optional), for an inH x inW x cin input
 * with padding before (pt, pl) and an oh x ow x kout output. work: the block buffers.
 */
function winogradConv(
  inp: usize,
  n: i32,
  inH: i32,
  inW: i32,
  cin: i32,
  u: usize,
  kout: i32,
  pt: i32,
  pl: i32,
  out: usize,
  oh: i32,
  ow: i32,
  bias: usize,
  work: usize,
): void {
  const tiles = blockTiles(cin, kout);
  const vPos = posBytes(tiles, cin);
  const mPos = posBytes(tiles, kout);
  const vBase = work;
  const mBase = vBase + <usize> POS * vPos;
  const stage = mBase + <usize> POS * mPos;
  const uPos = <usize> (cin * kout) * 4;
  const tilesX = (ow + 3) >> 2;
  const perImg = tilesX * ((oh + 3) >> 2);
  const total = n * perImg;
  const inImgBytes = <usize> (inH * inW * cin) * 4;
  const outImgBytes = <usize> (oh * ow * kout) * 4;
  const inRow = <usize> inW * <usize> cin * 4;
  const outRow = <usize> ow * <usize> kout * 4;
  for (let t0 = 0; t0 < total; t0 += tiles) {
    const count = min(tiles, total - t0);
    // The block's tiles run from tile row ty0 of image b0 to tile row ty1 of image b1.
    const last = t0 + count - 1;
    const b0 = t0 / perImg, b1 = last / perImg;
    const ty0 = (t0 - b0 * perImg) / tilesX, ty1 = (last - b1 * perImg) / tilesX;
    warmRows(inp, inImgBytes, inRow, inH, b0, 4 * ty0 - pt, b1, 4 * ty1 - pt + 6);
    for (let t = 0; t < count; t++) {
      const b = (t0 + t) / perImg;
      const r = t0 + t - b * perImg;
      const ty = r / tilesX;
      const tx = r - ty * tilesX;
      const img = inp + <usize> b * inImgBytes;
      const dst = vBase + <usize> (t * cin) * 4;
      inputTile(img, inH, inW, cin, 4 * ty - pt, 4 * tx - pl, dst, vPos, stage);
    }
    for (let pos = 0; pos < POS; pos++) {
      const v = vBase + <usize> pos * vPos;
      blockProduct(v, count, cin, u + <usize> pos * uPos, kout, mBase + <usize> pos * mPos);
    }
    warmRows(out, outImgBytes, outRow, oh, b0, 4 * ty0, b1, 4 * ty1 + 4);
    for (let t = 0; t < count; t++) {
      const b = (t0 + t) / perImg;
      const r = t0 + t - b * perImg;
      const ty = r / tilesX;
      const tx = r - ty * tilesX;
      const m = mBase + <usize> (t * kout) * 4;
      const img = out + <usize> b * outImgBytes;
      storeTile(m, mPos, kout, img, oh, ow, 4 * ty, 4 * tx, bias, stage);
    }
  }
}

/**
 * V of the 6x6 patch at input (iy0, ix0) of one image into dst + pos * posStride. Patches
 * that reach past the image are first copied into `stage` with zeros around.
 */
function inputTile(
  img: usize,
  inH: i32,
  inW: i32,
  cin: i32,
  iy0: i32,
  ix0: i32,
  dst: usize,
  posStride: usize,
  stage: usize,
): void {
  const pix = <usize> cin * 4;
  if (iy0 >= 0 && ix0 >= 0 && iy0 + 6 <= inH && ix0 + 6 <= inW) {
    const src = img + <usize> (iy0 * inW + ix0) * pix;
    inputPatch(src, <usize> inW * pix, pix, cin, dst, posStride);
    return;
  }
  memory.fill(stage, 0, 36 * pix);
  const xLo = max(ix0, 0);
  const xHi = min(ix0 + 6, inW);
  if (xLo < xHi) {
    for (let r = 0; r < 6; r++) {
      const iy = iy0 + r;
      if (iy < 0 || iy >= inH) continue;
      memory.copy(
        stage + <usize> (r * 6 + xLo - ix0) * pix,
        img + <usize> (iy * inW + xLo) * pix,
        <usize> (xHi - xLo) * pix,
      );
    }
  }
  inputPatch(stage, 6 * pix, pix, cin, dst, posStride);
}

/**
 * Y of one tile (M at m + pos * posStride) plus bias into output pixels (oy0.., ox0..): a tile
 * that reaches past the output is made in `stage` and only its inside copied.
 */
function storeTile(
  m: usize,
  posStride: usize,
  kout: i32,
  outImg: usize,
  oh: i32,
  ow: i32,
  oy0: i32,
  ox0: i32,
  bias: usize,
  stage: usize,
): void {
  const pix = <usize> kout * 4;
  if (oy0 + 4 <= oh && ox0 + 4 <= ow) {
    const dst = outImg + <usize> (oy0 * ow + ox0) * pix;
    outputTile(m, posStride, kout, dst, <usize> ow * pix, pix, bias);
    return;
  }
  outputTile(m, posStride, kout, stage, 4 * pix, pix, bias);
  const rows = min(4, oh - oy0);
  const cols = min(4, ow - ox0);
  for (let r = 0; r < rows; r++) {
    memory.copy(
      outImg + <usize> ((oy0 + r) * ow + ox0) * pix,
      stage + <usize> (r * 4) * pix,
      <usize> cols * pix,
    );
  }
}

/** A dY A^T of the 4x4 block of dy at (oy0, ox0); outputs past the edge count as zero. */
function gradTile(
  dyImg: usize,
  oh: i32,
  ow: i32,
  k: i32,
  oy0: i32,
  ox0: i32,
  dst: usize,
  posStride: usize,
  stage: usize,
): void {
  const pix = <usize> k * 4;
  const src = dyImg + <usize> (oy0 * ow + ox0) * pix;
  const rowBytes = <usize> ow * pix;
  if (oy0 + 4 <= oh && ox0 + 4 <= ow) {
    gradPatch(src, rowBytes, pix, k, dst, posStride);
    return;
  }
  memory.fill(stage, 0, 16 * pix);
  const rows = min(4, oh - oy0);
  const cols = min(4, ow - ox0);
  for (let r = 0; r < rows; r++) {
    memory.copy(stage + <usize> (r * 4) * pix, src + <usize> r * rowBytes, <usize> cols * pix);
  }
  gradPatch(stage, 4 * pix, pix, k, dst, posStride);
}

/** dst[tap][co][ci] = w[8 - tap][ci][co]: the filter of the backward-to-input convolution. */
function flipFilter(w: usize, dst: usize, c: i32, k: i32): void {
  const plane = c * k;
  for (let tap = 0; tap < 9; tap++) {
    const src = w + <usize> ((8 - tap) * plane) * 4;
    const out = dst + <usize> (tap * plane) * 4;
    for (let ci = 0; ci < c; ci++) {
      for (let co = 0; co < k; co++) {
        store<f32>(out + <usize> (co * c + ci) * 4, load<f32>(src + <usize> (ci * k + co) * 4));
      }
    }
  }
}
