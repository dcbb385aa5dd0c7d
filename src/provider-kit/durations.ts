/** Durations in milliseconds, for the deadlines and retry windows that providers take from their senders' docs. */
export const HOUR_MS = 60 * 60 * 1000
export const DAY_MS = 24 * HOUR_MS
