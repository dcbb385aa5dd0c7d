/**
 * Vercel: x-vercel-signature is the hex HMAC-SHA1 of the body (Vercel docs, "Webhooks", Securing webhooks); Vercel's
 * SDK has no verifier, so the scheme is checked as documented.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { vercel } from '../../src/providers/vercel.js'
import { signVercel } from '../../src/testing/index.js'
import { problem, providerHarness } from '../support/provider-harness.js'

const SECRET = 'vercel webhook secret'
const NOW = 1_700_000_000
const EVENT = {
  id: 'uev_Cs5YdwQd3rmRQgQRjRTzS6eE',
  type: 'deployment.succeeded',
  createdAt: 1700000000000,
  region: 'iad1',
  payload: { deployment: { id: 'dpl_1' } },
}

describe('Vercel', () => {
  it('accepts the documented scheme; the id and type are the payload fields', async () => {
    const body = JSON.stringify(EVENT)
    const signature = createHmac('sha1', SECRET).update(body).digest('hex')
    const { post, seen } = providerHarness(vercel({ secret: SECRET }), NOW)
    expect((await post({ headers: { 'x-vercel-signature': signature }, body })).status).toBe(200)
    expect(seen.map((event) => [event.id, event.type])).toEqual([[EVENT.id, 'deployment.succeeded']])
  })

  it('refuses an HMAC-SHA256 of the body (the signature is SHA-1)', async () => {
    const body = JSON.stringify(EVENT)
    const sha256 = createHmac('sha256', SECRET).update(body).digest('hex')
    const { post } = providerHarness(vercel({ secret: SECRET }), NOW)
    const response = await post({ headers: { 'x-vercel-signature': sha256 }, body })
    expect(response.status).toBe(401)
    expect(problem(response).code).toBe('signature_invalid')
  })

  it('answers 400 payload_invalid for a verified body without an id, running nothing', async () => {
    const { post, seen } = providerHarness(vercel({ secret: SECRET }), NOW)
    const response = await post(signVercel({ payload: { type: 'deployment.created' }, secret: SECRET }))
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('payload_invalid')
    expect(seen).toHaveLength(0)
  })
})
