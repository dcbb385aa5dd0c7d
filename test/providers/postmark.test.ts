/**
 * Postmark: Basic credentials instead of a signature (Postmark docs, "Webhooks overview"), the RecordType as the
 * type, and inbound messages. The credentials are checked like GitLab's token, in constant time.
 */
import { describe, expect, it } from 'vitest'
import { postmark } from '../../src/providers/postmark.js'
import { signPostmark } from '../../src/testing/index.js'
import { problem, providerHarness } from '../support/provider-harness.js'

const NOW = 1_700_000_000
const BOUNCE = {
  RecordType: 'Bounce',
  ID: 4323372036854775807,
  Type: 'HardBounce',
  MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
}
const INBOUND = {
  From: 'a@example.com',
  MessageID: '73e6d360-66eb-11e1-8e72-a8904824019b',
  Subject: 'Hi',
  TextBody: 'Hello',
}

describe('Postmark', () => {
  const provider = () => postmark({ username: 'postmark', password: 's3cret:with:colons' })

  it('accepts the credentials of the webhook URL and dispatches on RecordType, Inbound without one', async () => {
    const { post, seen } = providerHarness(provider(), NOW)
    const sign = (payload: object) =>
      signPostmark({ payload, username: 'postmark', password: 's3cret:with:colons' })
    expect((await post(sign(BOUNCE))).status).toBe(200)
    expect((await post(sign(INBOUND))).status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['Bounce', 'Inbound'])
  })

  it('refuses other credentials, another user name and other schemes with 401, running nothing', async () => {
    const { post, seen } = providerHarness(provider(), NOW)
    for (const [username, password] of [
      ['postmark', 'wrong'],
      ['other', 's3cret:with:colons'],
      ['postmark', 's3cret'],
    ]) {
      const response = await post(signPostmark({ payload: BOUNCE, username: username!, password: password! }))
      expect(response.status).toBe(401)
      expect(problem(response).code).toBe('signature_invalid')
    }
    const bearer = await post({
      headers: { authorization: 'Bearer s3cret:with:colons' },
      body: JSON.stringify(BOUNCE),
    })
    expect(problem(bearer).code).toBe('signature_invalid')
    const none = await post({ headers: {}, body: JSON.stringify(BOUNCE) })
    expect(problem(none).code).toBe('signature_missing')
    expect(seen).toHaveLength(0)
  })

  it('runs a retry of the same body once', async () => {
    const { post, seen } = providerHarness(provider(), NOW)
    const delivery = signPostmark({ payload: BOUNCE, username: 'postmark', password: 's3cret:with:colons' })
    await post(delivery)
    await post(delivery)
    expect(seen).toHaveLength(1)
  })

  it('refuses a user name with a colon at construction', () => {
    expect(() => postmark({ username: 'a:b', password: 'x' })).toThrow(/postmark\(\{ username \}\).*colon/)
  })
})
