/**
 * A Deno worker holding one QuantizedNetwork (src/quant/qpool.ts sends the messages). Images
 * come through shared memory; a call returns the predicted class of each image asked for.
 */
/// <reference lib="deno.worker" />
import { instantiateEngine } from "../engine/wasm.ts";
import type { MultiplierAssignment } from "./assignment.ts";
import type { QPlan } from "./plan.ts";
import { argmaxRows, QuantizedNetwork, type QuantizedNetworkOptions } from "./qnetwork.ts";

let net: QuantizedNetwork;
let images: Uint8Array;

type Handler = (msg: Record<string, unknown>) => unknown | Promise<unknown>;

const handlers: Record<string, Handler> = {
  async init(m) {
    const engine = await instantiateEngine(m.module as WebAssembly.Module);
    net = new QuantizedNetwork(
      engine,
      m.plan as QPlan,
      m.assignment as MultiplierAssignment,
      m.options as QuantizedNetworkOptions,
    );
    images = m.images as Uint8Array;
    return { layers: net.layers, memoryBytes: engine.kernels.memory.buffer.byteLength };
  },
  predict(m) {
    const start = m.start as number, count = m.count as number;
    const out = new Uint8Array(count);
    const classes = net.plan.graph.classes;
    for (let i = 0; i < count; i += net.opts.batch) {
      const n = Math.min(net.opts.batch, count - i);
      net.loadImages(images, start + i, n);
      net.forward(n);
      out.set(argmaxRows(net.logits(n), n, classes), i);
    }
    return out;
  },
};

self.onmessage = async (e: MessageEvent) => {
  const { id, cmd, ...rest } = e.data;
  try {
    self.postMessage({ id, result: await handlers[cmd](rest) });
  } catch (err) {
    self.postMessage({ id, error: (err as Error).stack ?? String(err) });
  }
};
