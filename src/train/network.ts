/**
 * Runs a graph on one engine instance: places parameters, activations and gradients in the
 * engine's memory once, binds every node's kernels (src/ops/<op>/engine.ts, through
 * src/ops/registry.ts), then runs them in topological order (forward) and in reverse
 * (backward). Only byte offsets and sizes cross into wasm.
 */
import type { Engine } from "../engine/wasm.ts";
import type { Kernels } from "../engine/kernels.ts";
import { type Graph, type GraphNode, inferShapes, type TensorShape } from "../graph/graph.ts";
import type {
  EngineBindContext,
  EngineSettings,
  EngineStep,
  EngineTensor,
  SharedBuffer,
} from "../ops/engine_binding.ts";
import { opDef } from "../ops/registry.ts";
import type { SlotName } from "../ops/spec.ts";
import { findSlot, type ParamLayout, paramLayout, type Slot } from "../model/layout.ts";
import type { Rng } from "../util/rng.ts";

export { BN_EPS, BN_MOMENTUM } from "../ops/batchnorm/spec.ts";

/** Shared scratch buffers by key, sized for the largest request. */
type ScratchRequests = Map<string, { buffer: SharedBuffer; floats: number }>;

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
  /** The live nodes' tensors, in topological order. */
  readonly plans: EngineTensor[];
  readonly outputPlan: EngineTensor;
  /** plans[i]'s bound kernels. */
  #steps: EngineStep[];
  #k: Kernels;
  /** Where an input's gradient goes when another consumer already wrote that input's. */
  #tmp: [SharedBuffer, SharedBuffer];
  #settings: EngineSettings = { winograd: true };
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
    const byId = new Map<string, EngineTensor>();
    this.plans = [];
    this.#steps = [];
    this.#tmp = [{ ptr: 0 }, { ptr: 0 }];
    const scratch: ScratchRequests = new Map();
    let maxSize = 1;
    for (const node of graph.nodes) {
      if (!live.has(node.id)) continue;
      const shape = this.shapes.get(node.id)!;
      const size = shape.h * shape.w * shape.c;
      maxSize = Math.max(maxSize, size);
      const plan: EngineTensor = {
        node,
        shape,
        size,
        out: arena.allocF32(batch * size),
        grad: node.inputs.length === 0 ? 0 : arena.allocF32(batch * size),
        ins: node.inputs.map((id) => byId.get(id)!),
      };
      this.#steps.push(opDef(node.op).engine.bind(this.#bindContext(plan, scratch)));
      byId.set(node.id, plan);
      this.plans.push(plan);
    }
    this.input = this.plans[0].out;
    this.outputPlan = byId.get(graph.output)!;
    for (const { buffer, floats } of scratch.values()) buffer.ptr = arena.allocF32(floats);
    this.#tmp[0].ptr = arena.allocF32(batch * maxSize);
    this.#tmp[1].ptr = arena.allocF32(batch * maxSize);
  }

  /** What node `plan` binds its kernels with; shared scratch is allocated after every node. */
  #bindContext(plan: EngineTensor, scratch: ScratchRequests): EngineBindContext<GraphNode> {
    const arena = this.engine.arena, id = plan.node.id;
    const offset = (slots: Slot[], name: SlotName) => findSlot(slots, id, name)?.offset;
    return {
      node: plan.node,
      self: plan,
      kernels: this.#k,
      batch: this.batch,
      param: (name) => {
        const at = offset(this.layout.params, name);
        return at === undefined
          ? undefined
          : { value: this.params + 4 * at, grad: this.grads + 4 * at };
      },
      state: (name) => this.state + 4 * offset(this.layout.state, name)!,
      allocF32: (count) => arena.allocF32(count),
      allocI32: (count) => arena.allocI32(count),
      scratch: (key, floats) => {
        const s = scratch.get(key) ?? { buffer: { ptr: 0 }, floats: 0 };
        s.floats = Math.max(s.floats, floats);
        scratch.set(key, s);
        return s.buffer;
      },
      spare: this.#tmp,
      settings: this.#settings,
    };
  }

  /**
   * Whether 3x3 stride-1 convolutions with enough channels run the Winograd kernels (faster,
   * float32 rounding a little different); false runs the direct kernels everywhere, for
   * comparisons.
   */
  get winograd(): boolean {
    return this.#settings.winograd;
  }

  set winograd(on: boolean) {
    this.#settings.winograd = on;
  }

  /** PyTorch's default initialisation: weights and biases U(-1/sqrt(fanIn), 1/sqrt(fanIn)),
   * batch-norm gamma 1, beta 0, running mean 0, running variance 1. */
  initialize(rng: Rng): void {
    const a = this.engine.arena;
    const params = a.f32(this.params, this.layout.paramCount);
    for (const s of this.layout.params) {
      const view = params.subarray(s.offset, s.offset + s.length);
      if (s.init !== "uniform") view.fill(s.init);
      else {
        const bound = 1 / Math.sqrt(s.fanIn);
        for (let i = 0; i < view.length; i++) view[i] = rng.uniform(-bound, bound);
      }
    }
    const state = a.f32(this.state, this.layout.stateCount);
    for (const s of this.layout.state) {
      if (s.init === "uniform") throw new Error(`State '${s.node}.${s.name}' cannot be random`);
      state.subarray(s.offset, s.offset + s.length).fill(s.init);
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
    const steps = this.#steps;
    for (let i = 0; i < steps.length; i++) {
      const t0 = this.profile ? performance.now() : 0;
      steps[i].forward(n, training);
      if (this.profile) this.#record(`${this.plans[i].node.op} fwd`, t0);
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
    const written = new Set<EngineTensor>([out]);

    for (let i = this.plans.length - 1; i > 0; i--) {
      const p = this.plans[i];
      if (!written.has(p)) continue; // feeds nothing that reaches the output's gradient
      const t1 = this.profile ? performance.now() : 0;
      // Where each input's gradient goes: straight into its buffer the first time, into a
      // temporary (then summed) when another consumer already wrote it.
      const targets = p.ins.map((x, j) =>
        x.grad === 0
          ? 0
          : written.has(x) || p.ins.slice(0, j).includes(x)
          ? this.#tmp[j].ptr
          : x.grad
      );
      this.#steps[i].backward(n, targets);
      p.ins.forEach((x, j) => {
        const t = targets[j];
        if (!t) return;
        if (t !== x.grad) k.f32_add_inplace(x.grad, t, n * x.size);
        written.add(x);
      });
      if (this.profile) this.#record(`${p.node.op} bwd`, t1);
    }
    return loss;
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
