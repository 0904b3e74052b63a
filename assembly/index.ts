// The engine's exports: one file per family of kernels. Kernels allocate nothing; every
// pointer is a byte offset into this module's linear memory, placed there by the host.
export * from "./memory";
export * from "./conv2d_f32";
export * from "./dwconv2d_f32";
export * from "./batchnorm_f32";
export * from "./elementwise_f32";
export * from "./pool_f32";
export * from "./dense_f32";
export * from "./loss_f32";
export * from "./sgd_f32";
export * from "./qconv_u8";
export * from "./qconv_dot";
export * from "./qconv_rows";
export * from "./qdense_u8";
export * from "./qops_u8";
export * from "./winograd_f32";
export * from "./qdwconv_u8";
