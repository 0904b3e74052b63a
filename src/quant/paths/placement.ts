/**
 * Placing conv/dense operators in the engine's memory, the code the three paths share:
 * typed arrays copied into the arena, per-channel constants padded to a kernel's channel
 * block, product tables placed once per multiplier (the table and rows paths read the same
 * copy), and the zero-point padding of a step's input.
 */
import type { Engine } from "../../engine/wasm.ts";
import { type KernelTable, kernelTable } from "../pack.ts";
import type { QConvStep } from "../plan.ts";
import type { ChannelArgs, PadArgs, QKernels } from "../qkernels.ts";

/** A multiplier's table as the table and rows kernels read it (pack.ts `kernelTable`). */
export interface PlacedTable {
  /** Offset of the 65,536 uint16 products. */
  at: number;
  kernel: KernelTable;
}

export class Placement {
  #tables = new Map<string, PlacedTable>();

  constructor(readonly engine: Engine, readonly k: QKernels) {}

  alloc(bytes: number): number {
    return this.engine.arena.alloc(bytes);
  }

  u8(a: Uint8Array): number {
    const at = this.alloc(a.length);
    this.engine.arena.u8(at, a.length).set(a);
    return at;
  }

  i16(a: Int16Array): number {
    const at = this.alloc(a.length * 2);
    new Int16Array(this.engine.kernels.memory.buffer, at, a.length).set(a);
    return at;
  }

  i32(a: ArrayLike<number>): number {
    return this.engine.arena.putI32(a);
  }

  f32(a: ArrayLike<number>): number {
    return this.engine.arena.putF32(a);
  }

  /** Runs `fn` and frees what it placed (memory needed only while an operator is created). */
  scoped<T>(fn: () => T): T {
    const mark = this.engine.arena.mark();
    try {
      return fn();
    } finally {
      this.engine.arena.release(mark);
    }
  }

  /** The step's weight zero-points, `bias` and scales, zero-padded to `channels` entries. */
  channels(step: QConvStep, bias: Int32Array, channels: number): ChannelArgs {
    return [
      this.i32(padTo(step.weightZero, channels)),
      this.i32(padTo(bias, channels)),
      this.f32(padTo(step.scale, channels)),
    ];
  }

  /** The multiplier `name`'s kernel table, placed on first use. */
  table(name: string, table: Uint16Array): PlacedTable {
    let t = this.#tables.get(name);
    if (t === undefined) {
      const kernel = kernelTable(table);
      const at = this.alloc(131072);
      new Uint16Array(this.engine.kernels.memory.buffer, at, 65536).set(kernel.table);
      t = { at, kernel };
      this.#tables.set(name, t);
    }
    return t;
  }
}

/** A step's input as its kernel reads it: padded height and width, and whether it pads. */
export function paddedSize(step: QConvStep): { hp: number; wp: number; needsPad: boolean } {
  const [pt, pl, pb, pr] = step.pad;
  return { hp: step.h + pt + pb, wp: step.w + pl + pr, needsPad: pt + pl + pb + pr > 0 };
}

/** Elements of a step's padded input for `batch` images (dense: batch x c). */
export function paddedElements(step: QConvStep, batch: number): number {
  const { hp, wp } = paddedSize(step);
  return step.dense ? batch * step.c : batch * hp * wp * step.c;
}

/** Padding n images of a step's input with the zero-point zIn (dense: one 1 x n image). */
export function padArgs(step: QConvStep, n: number, zIn: number): PadArgs {
  if (step.dense) return [1, 1, n, step.c, 0, 0, 0, 0, zIn];
  const [pt, pl, pb, pr] = step.pad;
  return [n, step.h, step.w, step.c, pt, pl, pb, pr, zIn];
}

/** A byte input padded with the zero-point into a buffer of its own (table and rows paths). */
export class PaddedBytes {
  /** 0 when the step does not pad: the kernel reads its input as it is. */
  readonly at: number;

  constructor(
    readonly placement: Placement,
    readonly step: QConvStep,
    batch: number,
    readonly zIn: number,
  ) {
    this.at = paddedSize(step).needsPad ? placement.alloc(paddedElements(step, batch)) : 0;
  }

  /** The kernel input for images 0..n-1 of x: x itself, or its padded copy. */
  of(x: number, n: number): number {
    if (this.at === 0) return x;
    this.placement.k.q8_pad(x, this.at, ...padArgs(this.step, n, this.zIn));
    return this.at;
  }
}

/** `a` zero-padded to `len` entries. */
export function padTo<T extends Int32Array | Float32Array>(a: T, len: number): T {
  const out = new (a.constructor as { new (n: number): T })(len);
  out.set(a);
  return out;
}
