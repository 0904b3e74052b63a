/**
 * A small fluent builder for graphs, so model definitions read like the papers describe
 * them. Ids are generated in order ("conv3", "bn4", ...).
 */
import {
  type Graph,
  type GraphNode,
  type Padding,
  samePadding,
  type TensorShape,
} from "./graph.ts";

export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  #shapes = new Map<string, TensorShape>();
  #count = 0;

  constructor(readonly name: string, readonly input: TensorShape, readonly classes: number) {
    this.nodes.push({ id: "input", op: "input", inputs: [] });
    this.#shapes.set("input", input);
  }

  shape(id: string): TensorShape {
    const s = this.#shapes.get(id);
    if (!s) throw new Error(`GraphBuilder: no node '${id}'`);
    return s;
  }

  #add(node: GraphNode, shape: TensorShape): string {
    this.nodes.push(node);
    this.#shapes.set(node.id, shape);
    return node.id;
  }

  #id(prefix: string): string {
    return `${prefix}${++this.#count}`;
  }

  /** Convolution with "same" padding (output = ceil(input / stride)). */
  conv(x: string, filters: number, k: number, stride = 1, bias = false): string {
    const s = this.shape(x);
    const pad: Padding = samePadding([k, k], [stride, stride], s);
    return this.#add(
      {
        id: this.#id("conv"),
        op: "conv",
        inputs: [x],
        filters,
        kernel: [k, k],
        stride: [stride, stride],
        pad,
        bias,
      },
      { h: Math.ceil(s.h / stride), w: Math.ceil(s.w / stride), c: filters },
    );
  }

  /** Depthwise convolution (one k x k filter per channel) with "same" padding. */
  dwconv(x: string, k: number, stride = 1, bias = false): string {
    const s = this.shape(x);
    const pad: Padding = samePadding([k, k], [stride, stride], s);
    return this.#add(
      {
        id: this.#id("dwconv"),
        op: "dwconv",
        inputs: [x],
        kernel: [k, k],
        stride: [stride, stride],
        pad,
        bias,
      },
      { h: Math.ceil(s.h / stride), w: Math.ceil(s.w / stride), c: s.c },
    );
  }

  batchnorm(x: string): string {
    return this.#add({ id: this.#id("bn"), op: "batchnorm", inputs: [x] }, this.shape(x));
  }

  relu(x: string): string {
    return this.#add({ id: this.#id("relu"), op: "relu", inputs: [x] }, this.shape(x));
  }

  /** Pooling window k, stride s, "same"-style padding only where the window needs it. */
  pool(op: "maxpool" | "avgpool", x: string, k: number, stride: number): string {
    const s = this.shape(x);
    const pad = samePadding([k, k], [stride, stride], s);
    return this.#add(
      {
        id: this.#id(op === "maxpool" ? "maxpool" : "avgpool"),
        op,
        inputs: [x],
        kernel: [k, k],
        stride: [stride, stride],
        pad,
      },
      { h: Math.ceil(s.h / stride), w: Math.ceil(s.w / stride), c: s.c },
    );
  }

  gap(x: string): string {
    return this.#add({ id: this.#id("gap"), op: "gap", inputs: [x] }, {
      h: 1,
      w: 1,
      c: this.shape(x).c,
    });
  }

  dense(x: string, units: number): string {
    return this.#add({ id: this.#id("dense"), op: "dense", inputs: [x], units }, {
      h: 1,
      w: 1,
      c: units,
    });
  }

  add(a: string, b: string): string {
    return this.#add({ id: this.#id("add"), op: "add", inputs: [a, b] }, this.shape(a));
  }

  concat(a: string, b: string): string {
    const sa = this.shape(a), sb = this.shape(b);
    return this.#add({ id: this.#id("concat"), op: "concat", inputs: [a, b] }, {
      ...sa,
      c: sa.c + sb.c,
    });
  }

  /** conv -> batch norm -> ReLU, the usual block. */
  convBnRelu(x: string, filters: number, k: number, stride = 1): string {
    return this.relu(this.batchnorm(this.conv(x, filters, k, stride)));
  }

  build(output: string): Graph {
    return {
      name: this.name,
      input: this.input,
      classes: this.classes,
      nodes: [...this.nodes],
      output,
    };
  }
}
