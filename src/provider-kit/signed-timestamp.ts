const SECONDS = /^\d{1,12}$/

/**
 * Reads a signed Unix timestamp in whole seconds; undefined when the text is anything else (negative, fractional,
 * exponent, empty, absurdly long), so a hostile header cannot slip a NaN past the tolerance check.
 */
export function readSignedTimestamp(text: string): number | undefined {
  return SECONDS.test(text) ? Number(text) : undefined
}

/** RFC 3339 date-time, fraction up to nanoseconds (Twitch), anchored and without nested repetition: linear time. */
const RFC_3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i

/**
 * Reads a signed RFC 3339 timestamp (`2026-12-04T10:11:12.634234626Z`) as whole seconds since the epoch; undefined
 * for anything else.
 */
export function readRfc3339Timestamp(text: string): number | undefined {
  const match = RFC_3339.exec(text)
  if (match === null) return undefined
  const [, dateTime, , zone] = match as unknown as [string, string, string | undefined, string]
  const milliseconds = Date.parse(`${dateTime}${zone.toUpperCase()}`)
  return Number.isFinite(milliseconds) ? Math.floor(milliseconds / 1000) : undefined
}
