/**
 * A bump allocator over the engine's linear memory. The host places every tensor with it;
 * kernels never allocate. `mark()`/`release()` give scoped scratch space.
 */
export class Arena {
  #top: number;
  readonly base: number;

  constructor(readonly memory: WebAssembly.Memory, base: number) {
    this.base = align(base, 64);
    this.#top = this.base;
  }

  /** Bytes handed out so far. */
  get used(): number {
    return this.#top - this.base;
  }

  /** Reserves `bytes` (64-byte aligned, so SIMD loads never straddle a cache line start). */
  alloc(bytes: number): number {
    const ptr = align(this.#top, 64);
    const end = ptr + Math.max(bytes, 0);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / 65536);
      try {
        this.memory.grow(pages);
      } catch (e) {
        throw new Error(
          `Cannot grow the engine's memory to ${end} bytes (had ${have}): ${(e as Error).message}`,
        );
      }
    }
    this.#top = end;
    return ptr;
  }

  allocF32(len: number): number {
    return this.alloc(len * 4);
  }

  allocI32(len: number): number {
    return this.alloc(len * 4);
  }

  mark(): number {
    return this.#top;
  }

  release(mark: number): void {
    if (mark < this.base || mark > this.#top) {
      throw new Error(`Arena.release: mark ${mark} is outside [${this.base}, ${this.#top}]`);
    }
    this.#top = mark;
  }

  /** A fresh view: views go stale when memory grows, so never keep one across an alloc. */
  f32(ptr: number, len: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, len);
  }

  i32(ptr: number, len: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, len);
  }

  u8(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, len);
  }

  /** Allocates and fills a float32 tensor. */
  putF32(data: ArrayLike<number>): number {
    const ptr = this.allocF32(data.length);
    this.f32(ptr, data.length).set(data);
    return ptr;
  }

  putI32(data: ArrayLike<number>): number {
    const ptr = this.allocI32(data.length);
    this.i32(ptr, data.length).set(data);
    return ptr;
  }
}

export function align(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}
