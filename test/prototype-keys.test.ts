/**
 * Payloads never hand handlers a key that pollutes prototypes when merged (`Object.assign`, a deep merge): not in
 * JSON written plainly or with escaped letters, and not in form bodies (Slack slash commands, Twilio webhooks).
 */
import { describe, expect, it } from 'vitest'
import { createReceiver, type Provider, type WebhookRequest } from '../src/index.js'
import { slack } from '../src/providers/slack.js'
import { stripe } from '../src/providers/stripe.js'
import { twilio } from '../src/providers/twilio.js'
import { signSlack, signStripe, signTwilio } from '../src/testing/index.js'
import { silentLogger } from './support/helpers.js'

const SECRET = 'whsec_prototype_keys'
const SLACK_SECRET = 'slack-signing-secret'
const TWILIO_TOKEN = 'twilio-auth-token'
const TWILIO_URL = 'https://example.com/sms'

/** Delivers one request and returns the payload the handler received. */
async function payloadOf(
  provider: Provider<any, any>,
  request: WebhookRequest,
): Promise<Record<string, any>> {
  const receiver = createReceiver({ provider, logger: silentLogger() })
  let payload: Record<string, any> | undefined
  receiver.onAny((event) => {
    payload = event.payload as Record<string, any>
  })
  const response = await receiver.handle(request)
  expect(response.status, response.body).toBe(200)
  expect(payload).toBeDefined()
  return payload as Record<string, any>
}

/** What a naive deep merge does with a payload: the way an attacker's key would reach a prototype. */
function deepMerge(target: Record<string, any>, source: Record<string, any>): Record<string, any> {
  for (const key of Object.keys(source)) {
    const value = source[key]
    if (typeof value === 'object' && value !== null) deepMerge((target[key] ??= {}), value)
    else target[key] = value
  }
  return target
}

function expectNoPollution(payload: Record<string, any>): void {
  expect(Object.hasOwn(payload, '__proto__')).toBe(false)
  deepMerge({}, payload)
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
  expect(Object.getPrototypeOf(payload)).toBe(Object.prototype)
}

const stripeDelivery = (body: string): WebhookRequest => ({
  url: '/hook',
  ...signStripe({ payload: body, secret: SECRET }),
})

describe('JSON payloads', () => {
  it.each([
    ['written plainly', '"__proto__"'],
    ['with an escaped letter', '"\\u005f_proto__"'],
    ['with an escaped capital-hex letter', '"__pr\\u006Fto__"'],
  ])('drop a __proto__ key %s', async (_, key) => {
    const body = `{"id":"evt_p","type":"customer.created","data":{"object":{${key}:{"polluted":true},"ok":1}}}`
    const payload = await payloadOf(stripe({ secret: SECRET }), stripeDelivery(body))
    expect(payload.data.object).toEqual({ ok: 1 })
    expectNoPollution(payload)
  })

  it('drops a constructor key holding a prototype, also with an escaped letter', async () => {
    const body =
      '{"id":"evt_c","type":"customer.created","data":{"object":{"\\u0063onstructor":{"prototype":{"polluted":true}},"ok":1}}}'
    const payload = await payloadOf(stripe({ secret: SECRET }), stripeDelivery(body))
    expect(payload.data.object).toEqual({ ok: 1 })
    expectNoPollution(payload)
  })

  it('keeps escaped text that names no prototype key as it was sent', async () => {
    const body =
      '{"id":"evt_e","type":"customer.created","data":{"object":{"name":"Zo\\u00eb \\ud83d\\ude80"}}}'
    const payload = await payloadOf(stripe({ secret: SECRET }), stripeDelivery(body))
    expect(payload.data.object.name).toBe('Zoë 🚀')
  })
})

describe('form payloads', () => {
  // A record whose own `__proto__` field a signer writes into the form, as a hostile sender could.
  const withProtoField = (fields: Record<string, string>) =>
    Object.assign(JSON.parse('{"__proto__":"polluted"}') as Record<string, string>, fields)

  it('drop a __proto__ field from a Slack slash command', async () => {
    const form = withProtoField({ command: '/deploy', text: 'prod', trigger_id: 't1' })
    const delivery = signSlack({ form, signingSecret: SLACK_SECRET })
    const payload = await payloadOf(slack({ signingSecret: SLACK_SECRET }), { url: '/slack', ...delivery })
    expect(payload).toEqual({ command: '/deploy', text: 'prod', trigger_id: 't1' })
    expectNoPollution(payload)
  })

  it('drop repeated __proto__ fields from a Twilio webhook, which would otherwise replace its prototype', async () => {
    const params = { ...withProtoField({ From: '+15550001', Body: 'hi', MessageSid: 'SM1' }) }
    Object.defineProperty(params, '__proto__', { value: ['a', 'b'], enumerable: true })
    const delivery = signTwilio({ url: TWILIO_URL, authToken: TWILIO_TOKEN, params })
    const payload = await payloadOf(twilio({ authToken: TWILIO_TOKEN, url: TWILIO_URL }), delivery)
    expect(payload).toEqual({ From: '+15550001', Body: 'hi', MessageSid: 'SM1' })
    expectNoPollution(payload)
  })
})
