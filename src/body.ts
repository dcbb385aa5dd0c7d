import { utf8Decode, utf8Encode } from '#crypto'
import { BodyMalformedError } from './errors.js'

/**
 * The raw body as bytes. A `Uint8Array` (Node `Buffer` included) is used as it is; a string becomes its UTF-8
 * bytes once.
 */
export function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? utf8Encode(body) : body
}

/** Decodes bytes as UTF-8 without copying them (on Node, a `Buffer` view over the same memory). */
export function bytesToText(bytes: Uint8Array): string {
  return utf8Decode(bytes)
}

/** Parses a verified JSON body once. Malformed JSON is the sender's fault (400), not a signature failure. */
export function parseJsonBody(bytes: Uint8Array): unknown {
  return parseJsonText(bytesToText(bytes))
}

/**
 * Matches JSON text that could hold a `__proto__` or `constructor` key: written plainly, or with one of its letters
 * escaped (`"\u005f_proto__"`). Every letter of both names lies in U+005F–U+0075, whose escapes start `\u005`,
 * `\u006` or `\u007`; escapes of other characters (accents, emoji) never do, so they keep the fast path. One
 * regular expression scans the text once, in linear time, where five `includes` would scan it five times.
 */
const PROTOTYPE_KEY = /__proto__|constructor|\\u00[5-7]/

/** Parses JSON text that came out of a verified body (e.g. a form field). */
export function parseJsonText(text: string): unknown {
  try {
    // The reviver costs a lot, so it only runs for the rare body that could name a prototype key at all.
    return PROTOTYPE_KEY.test(text) ? JSON.parse(text, withoutPrototypeKeys) : JSON.parse(text)
  } catch (error) {
    throw new BodyMalformedError('JSON', { cause: error })
  }
}

/** A form's fields by name, each with its values in the order sent; a `Map`, so any name is safe as a key. */
export type FormValues = Map<string, string[]>

/**
 * Parses a form body (`application/x-www-form-urlencoded`) in one pass. Every reader of a form (the payload
 * handlers get, Twilio's signature base, Slack's fields) starts from this map: asking `URLSearchParams.getAll` once
 * per name scans every field each time, so a body of distinct names would cost time quadratic in its size, before
 * its signature is even checked.
 */
export function parseForm(text: string): FormValues {
  const values: FormValues = new Map()
  new URLSearchParams(text).forEach((value, name) => {
    const list = values.get(name)
    if (list === undefined) values.set(name, [value])
    else list.push(value)
  })
  return values
}

/** A form's fields: one value as a string, a repeated field as an array of its values. */
export type FormFields = Record<string, string | string[]>

/**
 * The fields of a verified form body (Slack slash commands, Twilio webhooks), without a `__proto__` field, so a
 * handler that merges the payload into another object cannot have its prototypes polluted.
 */
export function formFields(form: FormValues): FormFields {
  const fields: FormFields = {}
  for (const [name, values] of form) {
    if (name === '__proto__') continue
    fields[name] = values.length === 1 ? (values[0] as string) : values
  }
  return fields
}

/**
 * Drops `__proto__` keys, and `constructor` keys holding a `prototype`, so a handler that merges the payload into
 * another object (`Object.assign`, a deep merge) cannot have its prototypes polluted by an attacker-chosen body.
 */
function withoutPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined
  if (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)
    return undefined
  return value
}

/** True when a parsed value is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
