import type { HeaderInput } from './types/events.js'

/** What an adapter may hold besides the public `HeaderInput`: a platform's null values (AWS Lambda events). */
type NullableHeaders = Readonly<Record<string, string | readonly string[] | null | undefined>>

/**
 * Lower-cases header names once, so providers look headers up by their lower-case name. Node's `req.headers` is
 * already lower-cased with string values, and is returned as it is (no copy on the hot path). A value that is null
 * or undefined is no header.
 */
export function normalizeHeaders(input: HeaderInput | NullableHeaders): Record<string, string> {
  if (typeof (input as Headers).get === 'function' && typeof (input as Headers).forEach === 'function') {
    const out: Record<string, string> = {}
    ;(input as Headers).forEach((value, name) => {
      out[name] = value
    })
    return out
  }
  const record = input as NullableHeaders
  if (isLowerCaseStringRecord(record)) return record as Record<string, string>
  const out: Record<string, string> = {}
  for (const name of Object.keys(record)) {
    const value = record[name]
    if (value == null) continue
    const lower = name.toLowerCase()
    // Repeated headers are joined the way Node joins them, so a list-valued signature header keeps every entry.
    const text = typeof value === 'string' ? value : value.join(', ')
    out[lower] = out[lower] === undefined ? text : `${out[lower]}, ${text}`
  }
  return out
}

function isLowerCaseStringRecord(record: Readonly<Record<string, unknown>>): boolean {
  for (const name in record) {
    if (typeof record[name] !== 'string' || name !== name.toLowerCase()) return false
  }
  return true
}
