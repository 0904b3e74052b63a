/**
 * The layout of the official CIFAR-10 binary version: each batch file is a run of fixed-size
 * records with no header, `<label byte><1024 R><1024 G><1024 B>`, each plane 32x32 row-major.
 */

export const IMAGE_SIDE = 32;
export const IMAGE_CHANNELS = 3;
/** Bytes of one image: three 32x32 planes (CHW). */
export const IMAGE_BYTES = IMAGE_SIDE * IMAGE_SIDE * IMAGE_CHANNELS; // 3072
/**
 * Images in this layout, IMAGE_BYTES each one after the other, and the label 0..9 of each:
 * what is trained on, measured on and shown.
 */
export interface LabelledImages {
  images: Uint8Array;
  labels: Uint8Array;
}
/** Bytes of one record: the label byte, then the image. */
export const RECORD_BYTES = 1 + IMAGE_BYTES; // 3073
/** Records in every official batch file. */
export const RECORDS_PER_BATCH = 10_000;
export const CLASS_COUNT = 10;

/** The class names in label order, as in the official `batches.meta.txt`. */
export const CLASS_NAMES: readonly string[] = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

export type Cifar10Split = "train" | "test";

/** The official batch files of each split, in the official order. */
export const BATCH_FILES: Readonly<Record<Cifar10Split, readonly string[]>> = {
  train: [
    "data_batch_1.bin",
    "data_batch_2.bin",
    "data_batch_3.bin",
    "data_batch_4.bin",
    "data_batch_5.bin",
  ],
  test: ["test_batch.bin"],
};

/** Every official batch file, training batches first. */
export const ALL_BATCH_FILES: readonly string[] = [...BATCH_FILES.train, ...BATCH_FILES.test];

/** Byte size of a batch file holding `records` records. */
export function batchFileBytes(records: number): number {
  return records * RECORD_BYTES;
}
