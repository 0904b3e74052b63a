/**
 * Runs a graph on one engine instance: places parameters, activations and gradients in the
 * engine's memory once, then calls kernels in topological order (forward) and in reverse
 * (backward). Only byte offsets and sizes cross into wasm.
 */
import type { Engine } from "../engine/wasm.ts";
import type { Kernels } from "../engine/kernels.ts";
import {
  type ConvNode,
  type Graph,
  type GraphNode,
  inferShapes,
  type PoolNode,
  type TensorShape,
} from "../graph/graph.ts";
import { findSlot, type ParamLayout, paramLayout } from "./layout.ts";
import type { Rng } from "../util/rng.ts";

import { BN_EPS, BN_MOMENTUM } from "../ops/batchnorm/spec.ts";

export { BN_EPS, BN_MOMENTUM };

interface NodePlan {
  node: GraphNode;
  shape: TensorShape;
  /** Per-sample element count of the output. */
  size: number;
  /** Activation [batch, h, w, c] and its gradient. */
  out: number;
  grad: number;
  /** Inputs' plans. */
  ins: NodePlan[];
  // Parameter pointers (bytes), where the op has them.
  weight?: number;
  bias?: number;
  dweight?: number;
  dbias?: number;
  runMean?: number;
  runVar?: number;
  /** Batch-norm: saved batch mean and 1/std; max pooling: argmax indices. */
  saved1?: number;
  saved2?: number;
}

export class Network {
  readonly layout: ParamLayout;
  readonly shapes: Map<string, TensorShape>;
  /** Flat parameter, gradient and state vectors (byte offsets). */
  readonly params: number;
  readonly grads: number;
  readonly state: number;
  /** Input batch [batch, h, w, c] float32 and labels [batch] int32. */
  readonly input: number;
  readonly labels: number;
  readonly plans: NodePlan[];
  readonly outputPlan: NodePlan;
  #k: Kernels;
  #scratch: number;
  /** Scratch of the Winograd convolutions (0 when no convolution qualifies). */
  #winogradScratch: number;
  #tmp: [number, number];
  /**
   * Whether 3x3 stride-1 convolutions with enough channels run the Winograd kernels (faster,
   * float32 rounding a little different); false runs the direct kernels everywhere, for
   * comparisons.
   */
  winograd = true;
  /** Milliseconds spent per op kind, when profiling. */
  profile: Map<string, number> | null = null;

  constructor(readonly engine: Engine, readonly graph: Graph, readonly batch: number) {
    this.#k = engine.kernels;
    const arena = engine.arena;
    this.shapes = inferShapes(graph);
    this.layout = paramLayout(graph);
    this.params = arena.allocF32(this.layout.paramCount);
    this.grads = arena.allocF32(this.layout.paramCount);
    this.state = arena.allocF32(Math.max(this.layout.stateCount, 1));
    this.labels = arena.allocI32(batch);

    const live = liveNodes(graph);
    const byId = new Map<string, NodePlan>();
    this.plans = [];
    let scratchFloats = 1, winogradFloats = 0, maxSize = 1;
    for (const node of graph.nodes) {
      if (!live.has(node.id)) continue;
      const shape = this.shapes.get(node.id)!;
      const size = shape.h * shape.w * shape.c;
      maxSize = Math.max(maxSize, size);
      const plan: NodePlan = {
        node,
        shape,
        size,
        out: arena.allocF32(batch * size),
        grad: node.op === "input" ? 0 : arena.allocF32(batch * size),
        ins: node.inputs.map((id) => byId.get(id)!),
      };
      const p = (name: Parameters<typeof findSlot>[2]) => {
        const s = findSlot(this.layout.params, node.id, name);
        return s ? [this.params + 4 * s.offset, this.grads + 4 * s.offset] : [undefined, undefined];
      };
      if (node.op === "conv" || node.op === "dense") {
        [plan.weight, plan.dweight] = p("weight");
        [plan.bias, plan.dbias] = p("bias");
        if (node.op === "conv") {
          scratchFloats = Math.max(
            scratchFloats,
            node.kernel[0] * node.kernel[1] * plan.ins[0].shape.c * node.filters,
          );
          if (winogradApplies(node, plan.ins[0].shape, shape)) {
            winogradFloats = Math.max(
              winogradFloats,
              this.#k.f32_conv3x3s1_winograd_scratch(plan.ins[0].shape.c, node.filters),
            );
          }
        }
      } else if (node.op === "batchnorm") {
        [plan.weight, plan.dweight] = p("gamma");
        [plan.bias, plan.dbias] = p("beta");
        plan.runMean = this.state +
          4 * findSlot(this.layout.state, node.id, "running_mean")!.offset;
        plan.runVar = this.state + 4 * findSlot(this.layout.state, node.id, "running_var")!.offset;
        plan.saved1 = arena.allocF32(shape.c);
        plan.saved2 = arena.allocF32(shape.c);
      } else if (node.op === "maxpool") {
        plan.saved1 = arena.allocI32(batch * size);
      }
      byId.set(node.id, plan);
      this.plans.push(plan);
    }
    this.input = this.plans[0].out;
    this.outputPlan = byId.get(graph.output)!;
    this.#scratch = arena.allocF32(scratchFloats);
    this.#winogradScratch = winogradFloats > 0 ? arena.allocF32(winogradFloats) : 0;
    this.#tmp = [arena.allocF32(batch * maxSize), arena.allocF32(batch * maxSize)];
  }

  /** PyTorch's default initialisation: weights and biases U(-1/sqrt(fanIn), 1/sqrt(fanIn)),
   * batch-norm gamma 1, beta 0, running mean 0, running variance 1. */
  initialize(rng: Rng): void {
    const a = this.engine.arena;
    const params = a.f32(this.params, this.layout.paramCount);
    for (const s of this.layout.params) {
      const view = params.subarray(s.offset, s.offset + s.length);
      if (s.name === "gamma") view.fill(1);
      else if (s.name === "beta") view.fill(0);
      else {
        const bound = 1 / Math.sqrt(s.fanIn);
        for (let i = 0; i < view.length; i++) view[i] = rng.uniform(-bound, bound);
      }
    }
    const state = a.f32(this.state, this.layout.stateCount);
    for (const s of this.layout.state) {
      state.subarray(s.offset, s.offset + s.length).fill(s.name === "running_var" ? 1 : 0);
    }
  }

  getParams(): Float32Array {
    return this.engine.arena.f32(this.params, this.layout.paramCount).slice();
  }

  setParams(values: Float32Array): void {
    expectLength("parameters", values.length, this.layout.paramCount);
    this.engine.arena.f32(this.params, this.layout.paramCount).set(values);
  }

  getState(): Float32Array {
    return this.engine.arena.f32(this.state, this.layout.stateCount).slice();
  }

  setState(values: Float32Array): void {
    expectLength("batch-norm statistics", values.length, this.layout.stateCount);
    this.engine.arena.f32(this.state, this.layout.stateCount).set(values);
  }

  /** A view of the logits of the last forward pass: [n, classes]. */
  logits(n: number): Float32Array {
    return this.engine.arena.f32(this.outputPlan.out, n * this.graph.classes);
  }

  /** Runs the graph on the first n samples of `input`. */
  forward(n: number, training: boolean): void {
    this.#check(n);
    const k = this.#k;
    for (const p of this.plans) {
      const t0 = this.profile ? performance.now() : 0;
      const node = p.node;
      const x = p.ins[0];
      switch (node.op) {
        case "input":
          break;
        case "conv": {
          if (this.#useWinograd(node, x.shape, p.shape)) {
            k.f32_conv3x3s1_fwd_winograd(
              x.out,
              p.weight!,
              p.bias ?? 0,
              p.out,
              this.#winogradScratch,
              ...winogradGeometry(n, x, p),
            );
          } else {
            k.f32_conv2d_fwd(x.out, p.weight!, p.bias ?? 0, p.out, ...convGeometry(n, x, p));
          }
          break;
        }
        case "batchnorm": {
          const rows = n * p.shape.h * p.shape.w;
          if (training) {
            k.f32_batchnorm_fwd_train(
              x.out,
              p.out,
              p.weight!,
              p.bias!,
              p.saved1!,
              p.saved2!,
              p.runMean!,
              p.runVar!,
              rows,
              p.shape.c,
              BN_MOMENTUM,
              BN_EPS,
            );
          } else {
            k.f32_batchnorm_fwd_infer(
              x.out,
              p.out,
              p.weight!,
              p.bias!,
              p.runMean!,
              p.runVar!,
              rows,
              p.shape.c,
              BN_EPS,
            );
          }
          break;
        }
        case "relu":
          k.f32_relu_fwd(x.out, p.out, n * p.size);
          break;
        case "maxpool":
        case "avgpool": {
          const g = poolGeometry(n, x, p);
          if (node.op === "maxpool") k.f32_maxpool_fwd(x.out, p.out, p.saved1!, ...g);
          else k.f32_avgpool_fwd(x.out, p.out, ...g);
          break;
        }
        case "gap":
          k.f32_gap_fwd(x.out, p.out, n, x.shape.h * x.shape.w, x.shape.c);
          break;
        case "dense":
          k.f32_dense_fwd(x.out, p.weight!, p.bias!, p.out, n, x.size, node.units);
          break;
        case "add":
          k.f32_add(x.out, p.ins[1].out, p.out, n * p.size);
          break;
        case "concat":
          k.f32_concat_fwd(
            x.out,
            p.ins[1].out,
            p.out,
            n * p.shape.h * p.shape.w,
            x.shape.c,
            p.ins[1].shape.c,
          );
          break;
      }
      if (this.profile) this.#record(`${node.op} fwd`, t0);
    }
  }

  /**
   * Softmax cross-entropy of the last forward pass against `labels`, then the gradients of
   * every parameter into `grads`. Returns the mean loss.
   */
  backward(n: number): number {
    this.#check(n);
    const k = this.#k;
    const t0 = this.profile ? performance.now() : 0;
    const out = this.outputPlan;
    const loss = k.f32_softmax_xent(out.out, this.labels, out.grad, n, this.graph.classes);
    if (this.profile) this.#record("loss", t0);
    const written = new Set<NodePlan>([out]);

    for (let i = this.plans.length - 1; i > 0; i--) {
      const p = this.plans[i];
      if (!written.has(p)) continue; // feeds nothing that reaches the output's gradient
      const t1 = this.profile ? performance.now() : 0;
      const node = p.node;
      const len = n * p.size;
      // Where each input's gradient goes: straight into its buffer the first time, into a
      // temporary (then summed) when another consumer already wrote it.
      const targets = p.ins.map((x, j) =>
        x.node.op === "input"
          ? 0
          : written.has(x) || p.ins.slice(0, j).includes(x)
          ? this.#tmp[j]
          : x.grad
      );
      const x = p.ins[0];
      switch (node.op) {
        case "conv": {
          if (this.#useWinograd(node, x.shape, p.shape)) {
            const s = this.#winogradScratch, g = winogradGeometry(n, x, p);
            k.f32_conv3x3s1_bwd_weights_winograd(x.out, p.grad, p.dweight!, p.dbias ?? 0, s, ...g);
            if (targets[0]) {
              k.f32_conv3x3s1_bwd_input_winograd(p.grad, p.weight!, targets[0], s, ...g);
            }
          } else {
            const g = convGeometry(n, x, p);
            k.f32_conv2d_bwd_weights(x.out, p.grad, p.dweight!, p.dbias ?? 0, ...g);
            if (targets[0]) {
              k.f32_conv2d_bwd_input(p.grad, p.weight!, targets[0], this.#scratch, ...g);
            }
          }
          break;
        }
        case "batchnorm":
          k.f32_batchnorm_bwd(
            x.out,
            p.grad,
            p.weight!,
            p.saved1!,
            p.saved2!,
            targets[0] || this.#tmp[0],
            p.dweight!,
            p.dbias!,
            n * p.shape.h * p.shape.w,
            p.shape.c,
          );
          break;
        case "relu":
          if (targets[0]) k.f32_relu_bwd(p.out, p.grad, targets[0], len);
          break;
        case "maxpool":
          if (targets[0]) k.f32_maxpool_bwd(p.grad, p.saved1!, targets[0], n * x.size, len);
          break;
        case "avgpool":
          if (targets[0]) k.f32_avgpool_bwd(p.grad, targets[0], ...poolGeometry(n, x, p));
          break;
        case "gap":
          if (targets[0]) k.f32_gap_bwd(p.grad, targets[0], n, x.shape.h * x.shape.w, x.shape.c);
          break;
        case "dense":
          k.f32_dense_bwd(
            x.out,
            p.weight!,
            p.grad,
            targets[0],
            p.dweight!,
            p.dbias!,
            n,
            x.size,
            node.units,
          );
          break;
        case "add":
          for (const t of targets) if (t) k.f32_copy(p.grad, t, len);
          break;
        case "concat": {
          const b = p.ins[1];
          const rows = n * p.shape.h * p.shape.w;
          k.f32_concat_bwd(
            p.grad,
            targets[0] || this.#tmp[0],
            targets[1] || this.#tmp[1],
            rows,
            x.shape.c,
            b.shape.c,
          );
          break;
        }
      }
      p.ins.forEach((x, j) => {
        const t = targets[j];
        if (!t) return;
        if (t !== x.grad) k.f32_add_inplace(x.grad, t, n * x.size);
        written.add(x);
      });
      if (this.profile) this.#record(`${node.op} bwd`, t1);
    }
    return loss;
  }

  #useWinograd(node: ConvNode, input: TensorShape, output: TensorShape): boolean {
    return this.winograd && winogradApplies(node, input, output);
  }

  #check(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.batch) {
      throw new Error(
        `Network '${this.graph.name}': batch of ${n} samples, expected 1..${this.batch}`,
      );
    }
  }

  #record(key: string, t0: number): void {
    this.profile!.set(key, (this.profile!.get(key) ?? 0) + performance.now() - t0);
  }
}

/**
 * Convolutions the Winograd kernels take: 3x3, stride 1, enough channels for the transforms
 * to pay (not the 3-channel first layer) and outputs of at least one whole 4x4 tile.
 */
function winogradApplies(node: ConvNode, input: TensorShape, output: TensorShape): boolean {
  return node.kernel[0] === 3 && node.kernel[1] === 3 && node.stride[0] === 1 &&
    node.stride[1] === 1 && input.c >= 8 && output.h >= 4 && output.w >= 4;
}

/** Nodes the output depends on; the rest is never computed. */
function liveNodes(graph: Graph): Set<string> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const live = new Set<string>(["input"]);
  const stack = [graph.output];
  while (stack.length) {
    const id = stack.pop()!;
    if (live.has(id) && id !== "input") continue;
    live.add(id);
    stack.push(...byId.get(id)!.inputs);
  }
  return live;
}

function expectLength(what: string, found: number, expected: number): void {
  if (found !== expected) throw new Error(`Expected ${expected} ${what}, found ${found}`);
}

/** The geometry arguments every convolution kernel takes after its pointers. */
function convGeometry(n: number, x: NodePlan, p: NodePlan) {
  const node = p.node as ConvNode;
  return [
    n,
    x.shape.h,
    x.shape.w,
    x.shape.c,
    node.filters,
    node.kernel[0],
    node.kernel[1],
    node.stride[0],
    node.stride[1],
    node.pad[0],
    node.pad[1],
    p.shape.h,
    p.shape.w,
  ] as const;
}

/** The same for the 3x3 stride-1 Winograd kernels (kernel and stride are implied). */
function winogradGeometry(n: number, x: NodePlan, p: NodePlan) {
  const node = p.node as ConvNode;
  return [
    n,
    x.shape.h,
    x.shape.w,
    x.shape.c,
    node.filters,
    node.pad[0],
    node.pad[1],
    p.shape.h,
    p.shape.w,
  ] as const;
}

/** Pooling kernels' geometry: the convolution's without the filter count. */
function poolGeometry(n: number, x: NodePlan, p: NodePlan) {
  const node = p.node as PoolNode;
  return [
    n,
    x.shape.h,
    x.shape.w,
    x.shape.c,
    node.kernel[0],
    node.kernel[1],
    node.stride[0],
    node.stride[1],
    node.pad[0],
    node.pad[1],
    p.shape.h,
    p.shape.w,
  ] as const;
}
