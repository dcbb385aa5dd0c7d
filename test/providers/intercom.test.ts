/**
 * Intercom: the notification envelope (id, topic, delivery_attempts) and the `ping` a subscription sends. Intercom's
 * SDK has no webhook verifier: the scheme is the docs' (X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body> under the
 * client secret).
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { intercom } from '../../src/providers/intercom.js'
import { signIntercom } from '../../src/testing/index.js'
import { providerHarness } from '../support/provider-harness.js'

const SECRET = 'intercom client secret'
const NOW = 1_700_000_000
const NOTIFICATION = {
  type: 'notification_event',
  app_id: 'a86dr8yl',
  id: 'notif_4e3504a3-ba3f-46dc-ab48-8e4d5bdfdf4e',
  topic: 'conversation.user.created',
  delivery_attempts: 1,
  first_sent_at: 1571080403,
  created_at: 1571080403,
  data: { type: 'notification_event_data', item: { type: 'conversation', id: '1' } },
}

describe('Intercom', () => {
  it('accepts the documented scheme; the id is the notification id, the type its topic', async () => {
    const body = JSON.stringify(NOTIFICATION)
    const signature = createHmac('sha1', SECRET).update(body).digest('hex')
    const { post, seen } = providerHarness(intercom({ clientSecret: SECRET }), NOW)
    expect((await post({ headers: { 'x-hub-signature': `sha1=${signature}` }, body })).status).toBe(200)
    expect(seen.map((event) => [event.id, event.type, event.attempt])).toEqual([
      [NOTIFICATION.id, 'conversation.user.created', 1],
    ])
  })

  it('answers the ping 200, and dispatches it like any topic to a handler that asks for it', async () => {
    const { receiver, post } = providerHarness(intercom({ clientSecret: SECRET }), NOW)
    const ping = { ...NOTIFICATION, id: 'notif_ping', topic: 'ping', data: { item: { message: 'ping' } } }
    const pings: unknown[] = []
    receiver.on('ping', (event) => {
      pings.push(event.payload)
    })
    expect((await post(signIntercom({ payload: ping, clientSecret: SECRET }))).status).toBe(200)
    expect(pings).toEqual([ping])
  })

  it('refuses an access token at construction', () => {
    expect(() => intercom({ clientSecret: 'dG9rOmNkYTQ5YTVhX2NkNTRfNDQ=' })).toThrow(/access token/)
  })
})
