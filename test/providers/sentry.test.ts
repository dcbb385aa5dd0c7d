/**
 * Sentry integration webhooks: the type from the resource header and the body's action, and the unsigned headers
 * made harmless by reserving the verified signature. Sentry ships no verifier in an SDK: the scheme is the docs'
 * (hex HMAC-SHA256 of the body in Sentry-Hook-Signature, keyed with the client secret).
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sentry } from '../../src/providers/sentry.js'
import { signSentry } from '../../src/testing/index.js'
import { problem, providerHarness } from '../support/provider-harness.js'

const SECRET = 'a'.repeat(64)
const NOW = 1_700_000_000
const ISSUE = { action: 'created', installation: { uuid: 'inst-1' }, data: { issue: { id: '1170820242' } } }

describe('Sentry', () => {
  it('accepts the documented scheme; the type is <resource>.<action>, the id Request-ID', async () => {
    const body = JSON.stringify(ISSUE)
    const signature = createHmac('sha256', SECRET).update(body, 'utf8').digest('hex')
    const { post, seen } = providerHarness(sentry({ clientSecret: SECRET }), NOW)
    const headers = {
      'content-type': 'application/json',
      'request-id': 'r-1',
      'sentry-hook-resource': 'issue',
      'sentry-hook-timestamp': String(NOW),
      'sentry-hook-signature': signature,
    }
    expect((await post({ headers, body })).status).toBe(200)
    expect(seen.map((event) => [event.id, event.type])).toEqual([['r-1', 'issue.created']])
  })

  it('runs a handler on the resource alone for every action of it', async () => {
    const { receiver, post } = providerHarness(sentry({ clientSecret: SECRET }), NOW)
    const issues: string[] = []
    receiver.on('issue', (event) => {
      issues.push(event.type)
    })
    await post(signSentry({ resource: 'issue', payload: ISSUE, clientSecret: SECRET }))
    await post(
      signSentry({ resource: 'issue', payload: { ...ISSUE, action: 'resolved' }, clientSecret: SECRET }),
    )
    expect(issues).toEqual(['issue.created', 'issue.resolved'])
  })

  it('treats a captured body replayed under another resource header or Request-ID as a duplicate', async () => {
    const { receiver, post, seen } = providerHarness(sentry({ clientSecret: SECRET }), NOW)
    const comments: unknown[] = []
    receiver.on('comment.created', (event) => {
      comments.push(event)
    })
    const delivery = signSentry({ resource: 'issue', payload: ISSUE, clientSecret: SECRET, requestId: 'r-2' })
    expect((await post(delivery)).status).toBe(200)
    const rerouted = {
      ...delivery,
      headers: { ...delivery.headers, 'sentry-hook-resource': 'comment', 'request-id': 'r-3' },
    }
    expect((await post(rerouted)).status).toBe(200)
    expect(comments).toHaveLength(0)
    expect(seen).toHaveLength(1)
  })

  it('answers 400 header_missing without Sentry-Hook-Resource, running nothing', async () => {
    const { post, seen } = providerHarness(sentry({ clientSecret: SECRET }), NOW)
    const delivery = signSentry({ resource: 'issue', payload: ISSUE, clientSecret: SECRET })
    const { 'sentry-hook-resource': _, ...headers } = delivery.headers
    const response = await post({ headers, body: delivery.body })
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('header_missing')
    expect(seen).toHaveLength(0)
  })

  it('refuses an auth token at construction', () => {
    expect(() => sentry({ clientSecret: 'sntrys_eyJpYXQiOjE2OTQ2MDM1NTEuMjU2MTQ1' })).toThrow(/auth token/)
  })
})
