// The engine's exports: one file per family of kernels. Kernels allocate nothing; every
// pointer is a byte offset into this module's linear memory, placed there by the host.
export * from "./memory";
