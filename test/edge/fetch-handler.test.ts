/**
 * The edge build end to end, run by vitest.edge.config.ts: `createReceiver`, every provider and `fetchHandler` come
 * from dist/edge (Web Crypto), deliveries are signed by the Node signers (node:crypto, an independent
 * implementation), and Web Crypto is observed doing the verification. The bundle's modules run with Node's globals
 * (`Buffer`, `process`, `require`, …) shadowed by `undefined` (see vitest.edge.config.ts).
 */
import { describe, expect, it, vi } from 'vitest'
import { fetchHandler } from '../../src/adapters/fetch.js'
import { createReceiver, type Provider } from '../../src/index.js'
import { signStripe, type SignedDelivery } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'
import { accepted, NOW, providerCases } from '../support/provider-cases.js'
import { loadedEdgeModules } from './edge-modules.js'

const URL = 'http://localhost/hook'

function mount(provider: Provider<any, any>, bodyLimit?: number) {
  const receiver = createReceiver({
    provider,
    now: () => NOW * 1000,
    logger: silentLogger(),
    ...(bodyLimit === undefined ? {} : { bodyLimit }),
  })
  const runs: string[] = []
  receiver.onAny((event) => {
    runs.push(event.id)
  })
  const handle = fetchHandler(receiver)
  const post = (
    delivery: SignedDelivery & { url?: string },
    body: string | Uint8Array<ArrayBuffer> = delivery.body,
  ) =>
    handle(
      new Request(
        new globalThis.URL(delivery.url ?? '/hook', `http://${delivery.headers.host ?? 'localhost'}`),
        {
          method: 'POST',
          headers: delivery.headers,
          body,
        },
      ),
    )
  return { handle, post, runs }
}

describe.each(providerCases)('$name (edge build, fetchHandler)', (c) => {
  it("answers 200 once then 200 again without rerunning, and 401 to a stranger's secret or a changed byte", async () => {
    const { post, runs } = mount(c.provider([c.secrets[0], c.secrets[1]]))
    const valid = c.sign(c.secrets[1], { timestamp: NOW, id: 'evt_edge_1' })
    expect((await post(valid)).status).toBe(accepted(c))
    expect((await post(valid)).status).toBe(accepted(c))
    expect(runs).toHaveLength(1)
    expect((await post(c.sign(c.secrets[2], { timestamp: NOW, id: 'evt_edge_2' }))).status).toBe(401)
    if (c.signsBody !== false) {
      const changed = new TextEncoder().encode(valid.body)
      // The middle byte, or for a sender that signs some fields of the body (Mailgun, Adyen), the first byte that
      // changes what is signed.
      const signedAlike = (bytes: Uint8Array) =>
        c.signedContent !== undefined &&
        c.signedContent(Buffer.from(bytes)) === c.signedContent(Buffer.from(valid.body))
      let index = changed.length >> 1
      const flip = (at: number) => (changed[at] = (changed[at] as number) ^ 0x01)
      flip(index)
      while (signedAlike(changed) && index + 1 < changed.length) {
        flip(index)
        flip(++index)
      }
      expect(signedAlike(changed)).toBe(false)
      expect((await post(valid, changed)).status).toBe(401)
    }
    expect(runs).toHaveLength(1)
  })
})

describe('the edge build', () => {
  it('is what this suite runs, with Node globals shadowed in each of its modules', () => {
    expect(loadedEdgeModules()).toEqual(
      expect.arrayContaining([
        'index.js',
        'adapters/fetch.js',
        'providers/stripe.js',
        'providers/sendgrid.js',
      ]),
    )
  })

  it('verifies through crypto.subtle: HMAC with sign, ECDSA and Ed25519 with verify, a token with digest', async () => {
    const subtle = globalThis.crypto.subtle
    const calls = {
      sign: vi.spyOn(subtle, 'sign'),
      verify: vi.spyOn(subtle, 'verify'),
      digest: vi.spyOn(subtle, 'digest'),
    }
    try {
      for (const name of ['Stripe', 'SendGrid', 'GitLab'] as const) {
        const c = providerCases.find((candidate) => candidate.name === name)!
        expect(
          (
            await mount(c.provider([c.secrets[0]])).post(
              c.sign(c.secrets[0], { timestamp: NOW, id: 'evt_edge_3' }),
            )
          ).status,
        ).toBe(200)
      }
      expect(calls.sign).toHaveBeenCalledWith('HMAC', expect.anything(), expect.anything())
      expect(calls.verify).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'ECDSA' }),
        expect.anything(),
        expect.anything(),
        expect.anything(),
      )
      expect(calls.digest).toHaveBeenCalledWith('SHA-256', expect.anything())
    } finally {
      vi.restoreAllMocks()
    }
  })

  it('answers 405 with Allow to a GET and 413 to a body over the limit', async () => {
    const stripe = providerCases.find((candidate) => candidate.name === 'Stripe')!
    const { handle, post, runs } = mount(stripe.provider([stripe.secrets[0]]), 64)
    const get = await handle(new Request(URL))
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    const large = signStripe({
      payload: { id: 'evt_large', type: 't', pad: 'x'.repeat(100) },
      secret: stripe.secrets[0],
    })
    expect((await post(large)).status).toBe(413)
    expect(runs).toHaveLength(0)
  })
})
