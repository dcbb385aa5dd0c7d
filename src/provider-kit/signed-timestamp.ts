const SECONDS = /^\d{1,12}$/

/**
 * Reads a signed Unix timestamp in whole seconds; undefined when the text is anything else (negative, fractional,
 * exponent, empty, absurdly long), so a hostile header cannot slip a NaN past the tolerance check.
 */
export function readSignedTimestamp(text: string): number | undefined {
  return SECONDS.test(text) ? Number(text) : undefined
}
