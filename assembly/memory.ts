// Where the host may start placing tensors: everything below belongs to the module's data.
export function heap_base(): usize {
  return __heap_base;
}
