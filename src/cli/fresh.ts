/**
 * Fresh ids and times for the fixtures: each delivery `send` makes is a new event (a new id, signed now), so a
 * second run is not answered as a duplicate of the first.
 */
import { randomBytes, randomUUID } from 'node:crypto'

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export interface Fresh {
  /** Seconds since the epoch: when the delivery is signed. */
  readonly now: number
  /** `<prefix><length random letters and digits>`, as Stripe writes ids (`evt_3Q…`). */
  id(prefix: string, length?: number): string
  /** A random number of `digits` digits, as text (Slack, Discord and Shopify ids are numbers). */
  digits(digits: number): string
  /** `length` random hex digits (a commit sha is 40). */
  hex(length: number): string
  /** `length` random upper-case letters and digits (Adyen's pspReference, PayPal's ids). */
  upper(length: number): string
  uuid(): string
  /** `now` as ISO 8601, with `offsetSeconds` added. */
  iso(offsetSeconds?: number): string
}

export function fresh(now: number): Fresh {
  const id = (prefix: string, length = 24) => {
    let text = prefix
    for (const byte of randomBytes(length)) text += ALPHANUMERIC[byte % ALPHANUMERIC.length]
    return text
  }
  return {
    now,
    id,
    digits(digits) {
      let text = String(1 + (randomBytes(1)[0]! % 9))
      for (const byte of randomBytes(digits - 1)) text += String(byte % 10)
      return text
    },
    hex: (length) =>
      randomBytes(Math.ceil(length / 2))
        .toString('hex')
        .slice(0, length),
    upper: (length) => id('', length).toUpperCase(),
    uuid: () => randomUUID(),
    iso: (offsetSeconds = 0) => new Date((now + offsetSeconds) * 1000).toISOString(),
  }
}
