// @ts-check
/**
 * What the page holds of the run: every evaluation record in file order, the summary (with
 * the front's ids) and the final records. Messages from the server are applied here; pure,
 * so the Deno tests check the merging rules.
 *
 * @typedef {import("../../search/run/record.ts").EvaluationRecord} EvaluationRecord
 * @typedef {import("../../search/run/record.ts").FinalRecord} FinalRecord
 * @typedef {import("../run_state.ts").RunSummary} RunSummary
 * @typedef {{
 *   records: EvaluationRecord[],
 *   byId: Map<string, EvaluationRecord>,
 *   summary: RunSummary | null,
 *   front: Set<string>,
 *   finals: FinalRecord[],
 *   finalById: Map<string, FinalRecord>,
 *   selected: string | null,
 * }} Store
 */

/** @returns {Store} */
export function createStore() {
  return {
    records: [],
    byId: new Map(),
    summary: null,
    front: new Set(),
    finals: [],
    finalById: new Map(),
    selected: null,
  };
}

/** Forgets every record (the run's log was replaced). @param {Store} store */
export function resetRecords(store) {
  store.records = [];
  store.byId.clear();
}

/**
 * Adds records `from`.. of the log, skipping those already held (a stream that reconnects
 * may resend some). Returns how many were added, or -1 when records before `from` are
 * missing: the page must then fetch from its own count.
 * @param {Store} store
 * @param {{from: number, records: EvaluationRecord[]}} message
 */
export function applyEvaluations(store, { from, records }) {
  if (from > store.records.length) return -1;
  const fresh = records.slice(store.records.length - from);
  for (const r of fresh) {
    store.records.push(r);
    store.byId.set(r.id, r);
  }
  return fresh.length;
}

/** @param {Store} store @param {RunSummary} summary */
export function applySummary(store, summary) {
  store.summary = summary;
  store.front = new Set(summary.front);
}

/** @param {Store} store @param {FinalRecord[]} records */
export function applyFinals(store, records) {
  store.finals = records;
  store.finalById = new Map(records.filter((f) => !f.error).map((f) => [f.id, f]));
}
