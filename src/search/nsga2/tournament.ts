/**
 * NSGA-II's binary tournament: two distinct individuals drawn at random, the lower rank wins,
 * then the larger crowding distance; a full tie is a coin flip.
 */
import type { Rng } from "../../util/rng.ts";

/**
 * `count` winners' indices.
 *
 * @example
 * const parents = binaryTournament(rng, ranked.rank, ranked.crowding, 40);
 */
export function binaryTournament(
  rng: Rng,
  rank: ArrayLike<number>,
  crowding: ArrayLike<number>,
  count: number,
): number[] {
  const n = rank.length;
  if (n === 0 || crowding.length !== n) {
    throw new Error(`binaryTournament: ${n} ranks and ${crowding.length} crowding distances`);
  }
  const winners: number[] = [];
  for (let t = 0; t < count; t++) {
    const a = rng.int(n);
    let b = n > 1 ? rng.int(n - 1) : a;
    if (n > 1 && b >= a) b++;
    let winner: number;
    if (rank[a] !== rank[b]) winner = rank[a] < rank[b] ? a : b;
    else if (crowding[a] !== crowding[b]) winner = crowding[a] > crowding[b] ? a : b;
    else winner = rng.next() < 0.5 ? a : b;
    winners.push(winner);
  }
  return winners;
}
