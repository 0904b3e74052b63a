/**
 * A LeNet-5-style network for 32x32x3 CIFAR-10 images (after LeCun et al., 1998), the small
 * human-designed baseline beside the ResNets:
 *
 *   5x5 conv, 6 filters (valid: 28x28x6) -> 2x2 max pool (14x14x6)
 *   -> 5x5 conv, 16 filters (valid: 10x10x16) -> 2x2 max pool (5x5x16)
 *   -> dense 120 (over the 400 flattened features, NHWC order) -> dense 84 -> dense 10
 *
 * Choices, for training with the same recipe as every other network here (one-cycle SGD
 * peaking at 0.2): ReLU instead of tanh/sigmoid, max instead of average subsampling, and
 * batch norm after every conv and hidden dense layer, without which that learning rate
 * is not safe for a plain stack of this depth. The convs carry no bias (batch norm's shift
 * replaces it); the format gives dense layers a bias anyway. Valid (unpadded) convolutions as
 * in the original keep the flattened features at 5x5x16 = 400: 62,436 parameters,
 * 651,720 multiplications per image.
 */
import { type Graph, type GraphNode, inferShapes } from "./graph.ts";
import { CIFAR_INPUT } from "./resnet.ts";

/** A node without its id and inputs (distributed over the union, so each op keeps its fields). */
type NodeBody = GraphNode extends infer N ? N extends GraphNode ? Omit<N, "id" | "inputs"> : never
  : never;

export function lenet5(classes = 10): Graph {
  const nodes: GraphNode[] = [{ id: "input", op: "input", inputs: [] }];
  let count = 0;
  let last = "input";
  const push = (node: NodeBody, prefix: string): void => {
    const id = `${prefix}${++count}`;
    nodes.push({ ...node, id, inputs: [last] } as GraphNode);
    last = id;
  };
  const conv = (filters: number) => {
    push(
      { op: "conv", filters, kernel: [5, 5], stride: [1, 1], pad: [0, 0, 0, 0], bias: false },
      "conv",
    );
    push({ op: "batchnorm" }, "bn");
    push({ op: "relu" }, "relu");
    push({ op: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0, 0, 0] }, "maxpool");
  };
  const hidden = (units: number) => {
    push({ op: "dense", units }, "dense");
    push({ op: "batchnorm" }, "bn");
    push({ op: "relu" }, "relu");
  };
  conv(6);
  conv(16);
  hidden(120);
  hidden(84);
  push({ op: "dense", units: classes }, "dense");
  const graph: Graph = { name: "lenet5", input: { ...CIFAR_INPUT }, classes, nodes, output: last };
  inferShapes(graph); // throws if the network does not fit its input
  return graph;
}
