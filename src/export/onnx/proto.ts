/**
 * Building an ONNX model and encoding it: the one file that touches the protobuf encoding,
 * done by `onnx-proto` (protobufjs code generated from the official onnx.proto of ONNX
 * 1.10.2, IR version 8). The writers (float_graph.ts, qdq_graph.ts) add nodes and constant
 * tensors through `OnnxGraph` and never see protobuf types.
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** IR version written: 8 (ONNX 1.10 to 1.12); with opset 17, read by ONNX Runtime 1.12 on. */
export const IR_VERSION = 8;
/** Default-domain opset: 17 (ONNX 1.12); per-axis QuantizeLinear/DequantizeLinear need 13. */
export const OPSET = 17;

export type ElemType = "float32" | "uint8" | "int32" | "int64";

const ELEM: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  uint8: onnx.TensorProto.DataType.UINT8,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

export type AttributeValue = number | number[] | string | { float: number };

type Attribute = InstanceType<typeof onnx.AttributeProto>;
type Node = InstanceType<typeof onnx.NodeProto>;
type Tensor = InstanceType<typeof onnx.TensorProto>;
type ValueInfo = InstanceType<typeof onnx.ValueInfoProto>;

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Little-endian bytes of numbers as `type` (ONNX raw_data is little-endian on every host). */
function rawBytes(type: ElemType, values: ArrayLike<number>): Uint8Array {
  if (type === "uint8") return Uint8Array.from(values);
  if (type === "float32" && LITTLE_ENDIAN_HOST) {
    const copy = values instanceof Float32Array ? values.slice() : Float32Array.from(values);
    return new Uint8Array(copy.buffer);
  }
  const width = type === "int64" ? 8 : 4;
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (type === "float32") view.setFloat32(i * 4, v, true);
    else if (type === "int32") view.setInt32(i * 4, v, true);
    else view.setBigInt64(i * 8, BigInt(v), true);
  }
  return out;
}

/** Integer attributes are INT(S), other numbers need `{ float }`; strings are STRING. */
function attribute(name: string, value: AttributeValue): Attribute {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") {
    return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value) });
  }
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: value });
  if (typeof value === "object") {
    return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.float });
  }
  if (!Number.isInteger(value)) {
    throw new Error(
      `ONNX attribute '${name}': ${value} is not an integer; pass { float } for floats`,
    );
  }
  return onnx.AttributeProto.create({ name, type: T.INT, i: value });
}

/** Tensor type with a symbolic batch dimension "N" first. */
function valueInfo(name: string, type: ElemType, dims: number[], doc: string): ValueInfo {
  return onnx.ValueInfoProto.create({
    name,
    docString: doc,
    type: {
      tensorType: {
        elemType: ELEM[type],
        shape: { dim: [{ dimParam: "N" }, ...dims.map((d) => ({ dimValue: d }))] },
      },
    },
  });
}

export interface GraphIo {
  name: string;
  type: ElemType;
  /** Dimensions after the batch dimension. */
  dims: number[];
  doc: string;
}

/** Nodes, constants, inputs and outputs of one ONNX graph, then the encoded model. */
export class OnnxGraph {
  readonly #nodes: Node[] = [];
  readonly #initializers: Tensor[] = [];
  readonly #names = new Set<string>();

  constructor(readonly name: string) {}

  /** Adds a constant tensor and returns its name (names must be unique). */
  constant(name: string, type: ElemType, dims: number[], values: ArrayLike<number>): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new Error(`ONNX constant '${name}': ${values.length} values for dims [${dims}]`);
    }
    this.#claim(name);
    this.#initializers.push(
      onnx.TensorProto.create({
        name,
        dims,
        dataType: ELEM[type],
        rawData: rawBytes(type, values),
      }),
    );
    return name;
  }

  /** Adds a node computing `outputs` from `inputs`; returns its first output's name. */
  node(
    op: string,
    inputs: string[],
    outputs: string[],
    opts: { name?: string; attributes?: Record<string, AttributeValue>; doc?: string } = {},
  ): string {
    for (const o of outputs) this.#claim(o);
    this.#nodes.push(onnx.NodeProto.create({
      opType: op,
      name: opts.name ?? outputs[0],
      input: inputs,
      output: outputs,
      docString: opts.doc ?? "",
      attribute: Object.entries(opts.attributes ?? {}).map(([k, v]) => attribute(k, v)),
    }));
    return outputs[0];
  }

  /** Whether a tensor of that name exists already. */
  has(name: string): boolean {
    return this.#names.has(name);
  }

  /** The serialised model (ModelProto bytes). */
  encode(opts: {
    inputs: GraphIo[];
    outputs: GraphIo[];
    doc: string;
    metadata: Record<string, string>;
    producerVersion: string;
  }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: "approxnas",
      producerVersion: opts.producerVersion,
      docString: opts.doc,
      opsetImport: [{ domain: "", version: OPSET }],
      metadataProps: Object.entries(opts.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.#nodes,
        initializer: this.#initializers,
        input: opts.inputs.map((io) => valueInfo(io.name, io.type, io.dims, io.doc)),
        output: opts.outputs.map((io) => valueInfo(io.name, io.type, io.dims, io.doc)),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  #claim(name: string): void {
    if (this.#names.has(name)) {
      throw new Error(`ONNX graph '${this.name}': '${name}' defined twice`);
    }
    this.#names.add(name);
  }
}

/** What a model file says of itself, for tests and tools (decoded with the same library). */
export interface OnnxSummary {
  irVersion: number;
  opset: number;
  ops: string[];
  inputs: string[];
  outputs: string[];
  metadata: Record<string, string>;
  nodeDocs: Record<string, string>;
}

export function summarizeOnnx(bytes: Uint8Array): OnnxSummary {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph!;
  return {
    irVersion: Number(m.irVersion),
    opset: Number((m.opsetImport ?? []).find((o) => !o.domain)?.version ?? 0),
    ops: (g.node ?? []).map((n) => n.opType!),
    inputs: (g.input ?? []).map((i) => i.name!),
    outputs: (g.output ?? []).map((o) => o.name!),
    metadata: Object.fromEntries((m.metadataProps ?? []).map((p) => [p.key!, p.value!])),
    nodeDocs: Object.fromEntries(
      (g.node ?? []).filter((n) => n.docString).map((n) => [n.name!, n.docString!]),
    ),
  };
}
