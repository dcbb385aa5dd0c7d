/**
 * Hostile deliveries for property-based tests: a valid signed delivery, then one mutation of its body, its
 * headers or its timestamp. Shared by `npm test` (a few thousand cases, fixed seed) and `npm run test:fuzz`. Also the
 * single-byte changes of a delivery's signed parts, for the tampering table and the round-trip property.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { createReceiver, type Receiver } from '../../src/index.js'
import { silentLogger } from './helpers.js'
import { NOW, toleranceOf, type Delivery, type ProviderCase } from './provider-cases.js'

export type Mutation =
  | { kind: 'body-byte'; index: number; xor: number }
  | { kind: 'body-replace'; body: string | Uint8Array }
  | { kind: 'body-append'; tail: string }
  | { kind: 'body-truncate'; keep: number }
  | { kind: 'header-delete'; header: number }
  | { kind: 'header-set'; header: number; value: string }
  | { kind: 'header-duplicate'; header: number; second: string }
  | { kind: 'header-duplicate-case'; header: number; second: string; before: boolean }
  | { kind: 'header-case'; header: number }
  | { kind: 'signature-list'; extra: string[]; keep: number }
  | { kind: 'resign-at'; offset: number }
  | { kind: 'none' }

const weirdJson = fc.oneof(
  fc.constant('{"__proto__":{"polluted":true},"id":"evt","type":"x"}'),
  fc.constant('{"constructor":{"prototype":{"polluted":true}}}'),
  fc.constant(`{"n":${'9'.repeat(400)}}`),
  fc.constant(`${'['.repeat(5000)}${']'.repeat(5000)}`),
  fc.json(),
)
const headerValue = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.constant(''),
  fc.constant('x'.repeat(8192)),
  fc.constant('t=-1,v1=00'),
  fc.constant('v1,'),
  fc.constant('sha256='),
  fc.constant('t=1e9,v1=zz'),
  fc.stringMatching(/^[A-Za-z0-9+/=]{0,100}$/),
)

/** Every kind of mutation for `c`'s deliveries, with indices scaled to the delivery later (modulo its size). */
export function mutationArbitrary(c: ProviderCase): fc.Arbitrary<Mutation> {
  const kinds: fc.Arbitrary<Mutation>[] = [
    fc.record({
      kind: fc.constant('body-byte' as const),
      index: fc.nat(),
      xor: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({
      kind: fc.constant('body-replace' as const),
      body: fc.oneof(weirdJson, fc.string(), fc.uint8Array({ maxLength: 256 })),
    }),
    fc.record({
      kind: fc.constant('body-append' as const),
      tail: fc.string({ minLength: 1, maxLength: 16 }),
    }),
    fc.record({ kind: fc.constant('body-truncate' as const), keep: fc.nat() }),
    fc.record({ kind: fc.constant('header-delete' as const), header: fc.nat() }),
    fc.record({ kind: fc.constant('header-set' as const), header: fc.nat(), value: headerValue }),
    fc.record({ kind: fc.constant('header-duplicate' as const), header: fc.nat(), second: headerValue }),
    fc.record({
      kind: fc.constant('header-duplicate-case' as const),
      header: fc.nat(),
      second: headerValue,
      before: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('header-case' as const), header: fc.nat() }),
    fc.constant({ kind: 'none' as const }),
  ]
  // A signature list is a header's: a sender that signs inside the body has its signature changed by body mutations.
  if (c.signatureHeader !== undefined)
    kinds.push(
      fc.record({
        kind: fc.constant('signature-list' as const),
        extra: fc.array(headerValue, { maxLength: 40 }),
        keep: fc.nat(),
      }),
    )
  if (c.retime !== undefined) {
    const t = toleranceOf(c)
    kinds.push(
      fc.record({
        kind: fc.constant('resign-at' as const),
        offset: fc.oneof(
          fc.constantFrom(-t - 1, -t, -t + 1, t - 1, t, t + 1, -1_000_000_000, 1_000_000_000),
          fc.integer({ min: -1000, max: 1000 }),
        ),
      }),
    )
  }
  return fc.oneof(...kinds)
}

export interface Hostile {
  headers: Record<string, string | string[]>
  body: string | Uint8Array
  /** True when the body bytes and every signed header are exactly what the sender signed. */
  signedPartsIntact: boolean
  /** For a re-signed timestamp: the offset from now, in seconds. */
  offset?: number
}

/** Applies one mutation to a valid delivery; `resign` re-signs the same payload at another time. */
export function applyMutation(
  c: ProviderCase,
  valid: Delivery,
  mutation: Mutation,
  resign: (offset: number) => Delivery,
): Hostile {
  const headers: Record<string, string | string[]> = { ...valid.headers }
  const names = Object.keys(headers)
  const pick = (n: number) => names[n % names.length] as string
  const bytes = Buffer.from(valid.body)
  const intactHeaders = () => c.signedHeaders.every((name) => headers[name] === valid.headers[name])
  const sameContent = (body: Buffer) =>
    c.signedContent ? c.signedContent(body) === c.signedContent(bytes) : body.equals(bytes)
  switch (mutation.kind) {
    case 'body-byte': {
      const copy = Buffer.from(bytes)
      const index = mutation.index % copy.length
      copy[index] = (copy[index] as number) ^ mutation.xor
      return { headers, body: copy, signedPartsIntact: sameContent(copy) }
    }
    case 'body-replace': {
      const replacement = Buffer.from(mutation.body as Uint8Array | string)
      return { headers, body: mutation.body, signedPartsIntact: sameContent(replacement) }
    }
    case 'body-append': {
      const appended = Buffer.concat([bytes, Buffer.from(mutation.tail)])
      return { headers, body: appended, signedPartsIntact: sameContent(appended) }
    }
    case 'body-truncate': {
      const truncated = bytes.subarray(0, mutation.keep % bytes.length)
      return { headers, body: truncated, signedPartsIntact: sameContent(truncated) }
    }
    case 'header-delete':
      delete headers[pick(mutation.header)]
      return { headers, body: valid.body, signedPartsIntact: intactHeaders() }
    case 'header-set':
      headers[pick(mutation.header)] = mutation.value
      return { headers, body: valid.body, signedPartsIntact: intactHeaders() }
    case 'header-duplicate': {
      const name = pick(mutation.header)
      headers[name] = [headers[name] as string, mutation.second]
      return { headers, body: valid.body, signedPartsIntact: intactHeaders() }
    }
    case 'header-duplicate-case': {
      // The same header twice, its name in two cases, as a raw header list: `Stripe-Signature` and
      // `stripe-signature`. Whatever joins them, a signed header then no longer reads as the value signed.
      const name = pick(mutation.header)
      const twin = name.replace(
        /(^|-)([a-z])/g,
        (_, dash: string, letter: string) => dash + letter.toUpperCase(),
      )
      const { [name]: value, ...others } = headers
      const pair = mutation.before
        ? { [twin]: mutation.second, [name]: value as string }
        : { [name]: value as string, [twin]: mutation.second }
      return {
        headers: { ...others, ...pair },
        body: valid.body,
        signedPartsIntact: !c.signedHeaders.includes(name),
      }
    }
    case 'header-case': {
      const name = pick(mutation.header)
      const value = headers[name] as string
      delete headers[name]
      headers[name.toUpperCase()] = value
      // Header names are case-insensitive: the signed values are still the same.
      return { headers, body: valid.body, signedPartsIntact: true }
    }
    case 'signature-list': {
      const name = c.signatureHeader as string
      const value = headers[name] as string
      const kept = value.slice(0, mutation.keep % (value.length + 1))
      headers[name] = [kept, ...mutation.extra].join(c.signatureSeparator ?? ',')
      return { headers, body: valid.body, signedPartsIntact: intactHeaders() }
    }
    case 'resign-at': {
      const resigned = resign(mutation.offset)
      return {
        headers: { ...resigned.headers },
        body: resigned.body,
        signedPartsIntact: true,
        offset: mutation.offset,
      }
    }
    case 'none':
      return { headers, body: valid.body, signedPartsIntact: true }
  }
}

/** Every status the receiver documents, with the codes each may carry (docs/status-codes.md). */
export const DOCUMENTED: Record<number, (string | undefined)[]> = {
  200: [undefined],
  202: [undefined],
  // The empty acknowledgement of a sender that expects one (Discord).
  204: [undefined],
  400: ['body_malformed', 'payload_invalid', 'header_missing'],
  401: [
    'signature_missing',
    'signature_invalid',
    'timestamp_invalid',
    'timestamp_out_of_tolerance',
    'certificate_untrusted',
  ],
  404: ['not_found'],
  405: ['method_not_allowed'],
  409: ['duplicate_in_flight'],
  413: ['body_too_large'],
  500: ['raw_body_unavailable', 'handler_failed', 'internal_error'],
  503: ['store_unavailable', 'certificate_unavailable'],
}

/** A receiver for `c` with `secrets`, its clock at `now` (seconds), counting the handler runs. */
export function countingReceiver(
  c: ProviderCase,
  secrets: string[],
  now = NOW,
): { receiver: Receiver<any>; runs: () => number; timestamps: (number | undefined)[] } {
  const receiver = createReceiver({
    provider: c.provider(secrets),
    now: () => now * 1000,
    logger: silentLogger(),
  })
  const timestamps: (number | undefined)[] = []
  receiver.onAny((event) => {
    timestamps.push(event.timestamp)
  })
  return { receiver, runs: () => timestamps.length, timestamps }
}

/** The n-th valid delivery of `c` (signed at NOW with its first secret), and `mutation` applied to it. */
export function hostileDelivery(
  c: ProviderCase,
  n: number,
  mutation: Mutation,
): { valid: Delivery; hostile: Hostile } {
  const sign = (timestamp: number) => c.sign(c.secrets[0], { timestamp, id: `id_${n}` })
  const valid = sign(NOW)
  return { valid, hostile: applyMutation(c, valid, mutation, (offset) => sign(NOW + offset)) }
}

/** Asserts an answer is one docs/status-codes.md documents (its status and the problem `code` it carries), never a 500. */
export function expectDocumented(status: number, body: string): void {
  const code = status >= 400 ? (JSON.parse(body) as { code?: string }).code : undefined
  expect(DOCUMENTED[status], `status ${status}`).toBeDefined()
  expect(DOCUMENTED[status]).toContain(code)
  expect(status, 'no internal error on any input').not.toBe(500)
}

// ---- Single-byte changes of the signed parts --------------------------------------------------------------------

/** A delivery as posted after a change: the body may no longer be text. */
export type Posted = Omit<Delivery, 'body'> & { body: string | Uint8Array }

/**
 * Where `c` puts what the sender signed: 'body', then header names (the signature, a signed id or timestamp). A
 * signature inside the body is part of 'body'.
 */
export function signedParts(c: ProviderCase): string[] {
  const signature = c.signatureHeader === undefined ? [] : [c.signatureHeader]
  return [...(c.signsBody === false ? [] : ['body']), ...signature, ...c.signedHeaders]
}

/**
 * The codes a changed byte of `part` may be refused with: `signature_invalid`, and for a body that carries its own
 * signature (Mailgun, Adyen) also `signature_missing`, as a changed byte may leave no readable signature in it.
 */
export function refusalCodes(c: ProviderCase, part: string): string[] {
  return part === 'body' && c.signatureInBody !== undefined
    ? ['signature_invalid', 'signature_missing']
    : ['signature_invalid']
}

/** The bytes of one part: the body's, or a header value's characters (headers are ASCII). */
export function bytesOf(delivery: Delivery, part: string): Buffer {
  return part === 'body' ? Buffer.from(delivery.body) : Buffer.from(delivery.headers[part]!, 'latin1')
}

/** `delivery` with byte `index` of `part` set to `value`. */
export function withByte(delivery: Delivery, part: string, index: number, value: number): Posted {
  const bytes = bytesOf(delivery, part)
  bytes[index] = value
  if (part === 'body') return { ...delivery, body: bytes }
  return { ...delivery, headers: { ...delivery.headers, [part]: bytes.toString('latin1') } }
}

/** Whether a changed body still signs alike under `c`'s scheme (Twilio: the same form fields). */
export function signsAlike(c: ProviderCase, delivery: Delivery, changed: Posted): boolean {
  const body = Buffer.from(changed.body)
  return (
    c.signedContent !== undefined && c.signedContent(body) === c.signedContent(Buffer.from(delivery.body))
  )
}
