/**
 * Calendly: `Calendly-Webhook-Signature: t=…,v1=…` over "<t>.<body>" (Calendly docs, "Webhook Signatures"), and the
 * dedup id made of the event and the resource it is about. Calendly has no SDK verifier.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { calendly } from '../../src/providers/calendly.js'
import { signCalendly } from '../../src/testing/index.js'
import { problem, providerHarness } from '../support/provider-harness.js'

const KEY = 'calendly webhook signing key'
const NOW = 1_700_000_000
const INVITEE = 'https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA'
const CREATED = {
  event: 'invitee.created',
  created_at: '2023-11-14T22:13:20.000000Z',
  payload: { uri: INVITEE },
}

describe('Calendly', () => {
  it('accepts the documented scheme with the signed t as the event time', async () => {
    const body = JSON.stringify(CREATED)
    const v1 = createHmac('sha256', KEY).update(`${NOW}.${body}`).digest('hex')
    const { post, seen } = providerHarness(calendly({ signingKey: KEY }), NOW)
    const response = await post({ headers: { 'calendly-webhook-signature': `t=${NOW},v1=${v1}` }, body })
    expect(response.status).toBe(200)
    expect(seen.map((event) => [event.id, event.type, event.timestamp])).toEqual([
      [`invitee.created ${INVITEE}`, 'invitee.created', NOW],
    ])
  })

  it('runs a retry re-signed at a later t once, and the cancellation of the same invitee as its own event', async () => {
    const { post, seen } = providerHarness(calendly({ signingKey: KEY }), NOW)
    expect(
      (await post(signCalendly({ payload: CREATED, signingKey: KEY, timestamp: NOW - 60 }))).status,
    ).toBe(200)
    expect((await post(signCalendly({ payload: CREATED, signingKey: KEY, timestamp: NOW }))).status).toBe(200)
    const canceled = { ...CREATED, event: 'invitee.canceled' }
    expect((await post(signCalendly({ payload: canceled, signingKey: KEY, timestamp: NOW }))).status).toBe(
      200,
    )
    expect(seen.map((event) => event.type)).toEqual(['invitee.created', 'invitee.canceled'])
  })

  it('answers 400 payload_invalid for a verified body without an event, running nothing', async () => {
    const { post, seen } = providerHarness(calendly({ signingKey: KEY }), NOW)
    const response = await post(signCalendly({ payload: { payload: {} }, signingKey: KEY, timestamp: NOW }))
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('payload_invalid')
    expect(seen).toHaveLength(0)
  })

  it('refuses an access token (a JWT) at construction', () => {
    expect(() =>
      calendly({
        signingKey:
          'eyJraWQiOiIxY2UxZTEzNjE3ZGNmNzY2YjNjZWJjY2Y4ZGM1YmFmYThhNjVlNjg0MDIzZjdjMzJiZTgzNDliMjM4MDEzNWI0IiwidHlwIjoiUEFUIiwiYWxnIjoiRVMyNTYifQ',
      }),
    ).toThrow(/access token/)
  })
})
