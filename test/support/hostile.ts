/**
 * Hostile deliveries for property-based tests: a valid signed delivery, then one mutation of its body, its
 * headers or its timestamp. Shared by `npm test` (a few thousand cases, fixed seed) and `npm run test:fuzz`.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { createReceiver, type Receiver } from '../../src/index.js'
import type { SignedDelivery } from '../../src/testing/index.js'
import { silentLogger } from './helpers.js'
import { NOW, type ProviderCase } from './provider-cases.js'

export type Mutation =
  | { kind: 'body-byte'; index: number; xor: number }
  | { kind: 'body-replace'; body: string | Uint8Array }
  | { kind: 'body-append'; tail: string }
  | { kind: 'body-truncate'; keep: number }
  | { kind: 'header-delete'; header: number }
  | { kind: 'header-set'; header: number; value: string }
  | { kind: 'header-duplicate'; header: number; second: string }
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

/** Every kind of mutation, with indices scaled to the delivery later (modulo its size). */
export function mutationArbitrary(timestamped: boolean): fc.Arbitrary<Mutation> {
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
    fc.record({ kind: fc.constant('header-case' as const), header: fc.nat() }),
    fc.record({
      kind: fc.constant('signature-list' as const),
      extra: fc.array(headerValue, { maxLength: 40 }),
      keep: fc.nat(),
    }),
    fc.constant({ kind: 'none' as const }),
  ]
  if (timestamped) {
    kinds.push(
      fc.record({
        kind: fc.constant('resign-at' as const),
        offset: fc.oneof(
          fc.constantFrom(-301, -300, -299, 299, 300, 301, -1_000_000_000, 1_000_000_000),
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
  valid: SignedDelivery,
  mutation: Mutation,
  resign: (offset: number) => SignedDelivery,
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
    case 'header-case': {
      const name = pick(mutation.header)
      const value = headers[name] as string
      delete headers[name]
      headers[name.toUpperCase()] = value
      // Header names are case-insensitive: the signed values are still the same.
      return { headers, body: valid.body, signedPartsIntact: true }
    }
    case 'signature-list': {
      const value = headers[c.signatureHeader] as string
      const kept = value.slice(0, mutation.keep % (value.length + 1))
      headers[c.signatureHeader] = [kept, ...mutation.extra].join(c.name === 'standard-webhooks' ? ' ' : ',')
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

/** Every status the receiver documents, with the codes each may carry (README, "What the sender is told"). */
export const DOCUMENTED: Record<number, (string | undefined)[]> = {
  200: [undefined],
  202: [undefined],
  400: ['body_malformed', 'payload_invalid', 'header_missing'],
  401: ['signature_missing', 'signature_invalid', 'timestamp_invalid', 'timestamp_out_of_tolerance'],
  404: ['not_found'],
  405: ['method_not_allowed'],
  409: ['duplicate_in_flight'],
  413: ['body_too_large'],
  500: ['raw_body_unavailable', 'handler_failed', 'internal_error'],
  503: ['store_unavailable'],
}

/** A receiver for `c` with `secrets`, its clock at NOW, counting the handler runs. */
export function countingReceiver(
  c: ProviderCase,
  secrets: string[],
): { receiver: Receiver<any>; runs: () => number } {
  const receiver = createReceiver({
    provider: c.provider(secrets),
    now: () => NOW * 1000,
    logger: silentLogger(),
  })
  let ran = 0
  receiver.onAny(() => {
    ran++
  })
  return { receiver, runs: () => ran }
}

/** The n-th valid delivery of `c` (signed at NOW with its first secret), and `mutation` applied to it. */
export function hostileDelivery(
  c: ProviderCase,
  n: number,
  mutation: Mutation,
): { valid: SignedDelivery; hostile: Hostile } {
  const valid = c.sign(c.secrets[0], NOW, n)
  return {
    valid,
    hostile: applyMutation(c, valid, mutation, (offset) => c.sign(c.secrets[0], NOW + offset, n)),
  }
}

/** Asserts an answer is one the README documents (its status and the problem `code` it carries), never a 500. */
export function expectDocumented(status: number, body: string): void {
  const code = status >= 400 ? (JSON.parse(body) as { code?: string }).code : undefined
  expect(DOCUMENTED[status], `status ${status}`).toBeDefined()
  expect(DOCUMENTED[status]).toContain(code)
  expect(status, 'no internal error on any input').not.toBe(500)
}
