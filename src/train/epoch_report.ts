/**
 * What training records after each epoch: the trainer reports it, and a checkpoint keeps the
 * history of them so that a resumed run reports the whole run.
 */
export interface EpochReport {
  epoch: number;
  lr: number;
  trainLoss: number;
  /** Accuracy on the augmented training batches, as seen during the epoch. */
  trainAccuracy: number;
  /** On the evaluation set, with running batch-norm statistics (when one is given). */
  evalLoss?: number;
  evalAccuracy?: number;
  seconds: number;
  imagesPerSecond: number;
}
