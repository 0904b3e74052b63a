/**
 * Tiny labelled CIFAR-shaped data for the comparison tests: the class (of 3) is the colour
 * plane that is brightest on average, under heavy noise, so a network trained an epoch or
 * two is right often but not always, and multipliers change some of its answers.
 */
import { Rng } from "../../src/util/rng.ts";
import type { LabelledImages } from "../../src/data/cifar10/format.ts";

export function synthetic(n: number, seed: number, noise = 160): LabelledImages {
  const rng = new Rng(seed);
  const images = new Uint8Array(n * 3072), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.int(3);
    for (let j = 0; j < 3072; j++) {
      const bright = Math.floor(j / 1024) === labels[i] ? 48 : 40;
      images[i * 3072 + j] = Math.min(255, bright + rng.int(noise));
    }
  }
  return { images, labels };
}
