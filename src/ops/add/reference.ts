import { addRef } from "../../reference/elementwise.ts";
import type { ReferenceBinding } from "../reference_binding.ts";
import type { AddNode } from "./spec.ts";

export const addReference: ReferenceBinding<AddNode> = {
  forward: ({ xs: [a, b] }) => ({ y: addRef(a, b) }),
  backward: ({ dy }) => [dy.slice(), dy.slice()],
};
