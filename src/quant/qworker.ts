/**
 * A Deno worker holding one QuantizedNetwork (src/quant/qpool.ts sends the messages). Images
 * come through shared memory; a call returns the predicted class of each image asked for.
 */
/// <reference lib="deno.worker" />
import { instantiateEngine } from "../engine/wasm.ts";
import type { MultiplierAssignment } from "./assignment.ts";
import type { QPlan } from "./plan.ts";
import { QuantizedNetwork, type QuantizedNetworkOptions } from "./qnetwork.ts";
import { predictClasses } from "./predict.ts";

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
    return predictClasses(net, images, m.start as number, m.count as number);
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
