import { BodyMalformedError } from './errors.js'

/**
 * The raw body as bytes. A `Uint8Array` (Node `Buffer` included) is used as it is; a string becomes its UTF-8
 * bytes once.
 *
 * @example
 * ```ts
 * toBytes('{"id":1}') // Uint8Array of 8 bytes
 * ```
 */
export function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body
}

/**
 * Decodes bytes as UTF-8 without copying them (a `Buffer` view over the same memory).
 *
 * @example
 * ```ts
 * bytesToText(rawBody) // '{"id":"evt_1"}'
 * ```
 */
export function bytesToText(bytes: Uint8Array): string {
  const view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return view.toString('utf8')
}

/**
 * Parses a verified JSON body once. Malformed JSON is the sender's fault (400), not a signature failure.
 *
 * @example
 * ```ts
 * const payload = parseJsonBody(rawBody)
 * ```
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  return parseJsonText(bytesToText(bytes))
}

/**
 * Parses JSON text that came out of a verified body (e.g. a form field).
 *
 * @example
 * ```ts
 * parseJsonText(new URLSearchParams(form).get('payload') ?? '')
 * ```
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new BodyMalformedError('JSON', { cause: error })
  }
}

/**
 * True when a parsed value is a plain JSON object (not an array, not null).
 *
 * @example
 * ```ts
 * isJsonObject({ id: 1 }) // true
 * ```
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
