/**
 * Meta (Graph API, Messenger, Instagram, WhatsApp): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`
 * under the App Secret, computed here independently with node:crypto as Meta's docs describe it ("Event
 * Notifications" → "Validating Payloads"); the GET verification request answered with `hub.challenge`
 * ("Verification Requests"); `entry[]` batches dispatched per item, each under a hash of its signed content.
 */
import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { fetchHandler } from '../../src/adapters/fetch.js'
import { nodeHandler } from '../../src/adapters/node.js'
import { createReceiver, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { meta, type MetaEvent } from '../../src/providers/meta.js'
import { metaVerification, signMeta } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const APP_SECRET = 'c0ffee00c0ffee00c0ffee00c0ffee00'
const VERIFY_TOKEN = 'meatyhamhock'

function setup(options: Parameters<typeof meta>[0] = { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN }) {
  const receiver = createReceiver({ provider: meta(options), logger: silentLogger() })
  const seen: WebhookEvent<string, MetaEvent>[] = []
  receiver.onAny((event) => {
    seen.push(event as WebhookEvent<string, MetaEvent>)
  })
  const post = (delivery: { headers: Record<string, string>; body: string }): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', url: '/meta', headers: delivery.headers, body: delivery.body })
  const get = (url: string) => receiver.handle({ method: 'GET', url, headers: {}, body: '' })
  return { receiver, seen, post, get }
}

/** What Meta sends: the body signed under the App Secret, as its docs describe. */
function metaDelivery(body: string, secret = APP_SECRET) {
  return {
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  }
}

/** The WhatsApp Cloud API's text message notification, as its docs show it (values shortened). */
const WHATSAPP = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
            contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
            messages: [
              {
                from: '16505551234',
                id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
                timestamp: '1749416383',
                type: 'text',
                text: { body: 'Does it come in another color?' },
              },
            ],
          },
          field: 'messages',
        },
      ],
    },
  ],
}

/** A Messenger delivery with two entries, one of them carrying two messaging items. */
const MESSENGER = {
  object: 'page',
  entry: [
    {
      id: 'PAGE_ID',
      time: 1458692752478,
      messaging: [
        {
          sender: { id: 'PSID' },
          recipient: { id: 'PAGE_ID' },
          timestamp: 1458692752478,
          message: { mid: 'm1', text: 'hi' },
        },
        {
          sender: { id: 'PSID' },
          recipient: { id: 'PAGE_ID' },
          timestamp: 1458692752479,
          read: { watermark: 1458668856253 },
        },
      ],
    },
    {
      id: 'PAGE_ID',
      time: 1458692752480,
      changes: [{ field: 'feed', value: { item: 'post', verb: 'add', post_id: '1_2' } }],
    },
  ],
}

describe('Meta signatures', () => {
  it('writes with signMeta exactly the signature Meta sends, and accepts it', async () => {
    const delivery = signMeta({ payload: WHATSAPP, appSecret: APP_SECRET })
    expect(delivery.headers['x-hub-signature-256']).toBe(
      metaDelivery(delivery.body).headers['x-hub-signature-256'],
    )
    expect(delivery.headers['x-hub-signature']).toBe(
      `sha1=${createHmac('sha1', APP_SECRET).update(delivery.body).digest('hex')}`,
    )
    const { post, seen } = setup()
    expect((await post(delivery)).status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['whatsapp_business_account.messages'])
  })

  it('refuses the legacy SHA-1 header alone with 401 signature_missing', async () => {
    const delivery = signMeta({ payload: WHATSAPP, appSecret: APP_SECRET })
    const { 'x-hub-signature-256': _, ...legacy } = delivery.headers
    const response = await setup().post({ headers: legacy, body: delivery.body })
    expect(response.status).toBe(401)
    expect(JSON.parse(response.body).code).toBe('signature_missing')
  })

  it('refuses an access token pasted as the App Secret, at construction and without echoing it', () => {
    const token = 'EAAGm0PX4ZCpsBAKZAZA1234567890'
    expect(() => meta({ appSecret: token, verifyToken: VERIFY_TOKEN })).toThrow(/access token/)
    expect(() => meta({ appSecret: token, verifyToken: VERIFY_TOKEN })).not.toThrow(new RegExp(token))
  })
})

describe('Meta batches', () => {
  it('dispatches each change as <object>.<field>, with the object as an alias and the item as the payload', async () => {
    const { receiver, post } = setup()
    const byAlias: string[] = []
    receiver.on('whatsapp_business_account', (event) => {
      byAlias.push(event.type)
    })
    const got: MetaEvent[] = []
    receiver.on('whatsapp_business_account.messages', (event) => {
      got.push(event.payload as MetaEvent)
    })
    expect((await post(metaDelivery(JSON.stringify(WHATSAPP)))).status).toBe(200)
    expect(byAlias).toEqual(['whatsapp_business_account.messages'])
    expect(got).toEqual([
      {
        object: 'whatsapp_business_account',
        entryId: '102290129340398',
        field: 'messages',
        value: WHATSAPP.entry[0]!.changes[0]!.value,
      },
    ])
  })

  it('dispatches every item of every entry once, Messenger items as <object>.messaging', async () => {
    const { seen, post } = setup()
    const delivery = metaDelivery(JSON.stringify(MESSENGER))
    expect((await post(delivery)).status).toBe(200)
    expect(seen.map((event) => [event.type, event.payload.field])).toEqual([
      ['page.messaging', 'messaging'],
      ['page.messaging', 'messaging'],
      ['page.feed', 'feed'],
    ])
    expect(seen[0]!.payload).toMatchObject({ object: 'page', entryId: 'PAGE_ID', time: 1458692752478 })
    expect(seen[1]!.payload.value).toEqual(MESSENGER.entry[0]!.messaging![1])
    expect(new Set(seen.map((event) => event.id)).size).toBe(3)
    for (const event of seen) expect(event.id).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('takes a replay of the same body, or the same items batched otherwise, as duplicates (no id is sent)', async () => {
    const { seen, post } = setup()
    const delivery = metaDelivery(JSON.stringify(MESSENGER))
    await post(delivery)
    expect((await post(delivery)).status).toBe(200)
    expect(seen).toHaveLength(3)
    // The same two entries in the other order, and one of them alone: no item runs again.
    const reordered = { ...MESSENGER, entry: [MESSENGER.entry[1], MESSENGER.entry[0]] }
    expect((await post(metaDelivery(JSON.stringify(reordered)))).status).toBe(200)
    expect(
      await post(metaDelivery(JSON.stringify({ ...MESSENGER, entry: [MESSENGER.entry[1]] }))),
    ).toMatchObject({
      status: 200,
    })
    expect(seen).toHaveLength(3)
    // Another item (a new time) is a new event.
    const later = { ...MESSENGER, entry: [{ ...MESSENGER.entry[1], time: 1458692752999 }] }
    await post(metaDelivery(JSON.stringify(later)))
    expect(seen).toHaveLength(4)
  })

  it('answers 400 payload_invalid for a verified body that is not a Meta batch, running no handler', async () => {
    const { seen, post } = setup()
    for (const body of [
      '{"entry":[]}',
      '{"object":"page","entry":{}}',
      '{"object":"page","entry":[]}',
      '{"object":"page","entry":[1]}',
      '{"object":"page","entry":[{"changes":[{"value":{}}]}]}',
    ]) {
      const response = await post(metaDelivery(body))
      expect(response.status, body).toBe(400)
      expect(JSON.parse(response.body).code).toBe('payload_invalid')
    }
    expect(seen).toHaveLength(0)
  })
})

describe('Meta verification requests (GET)', () => {
  it('answers the challenge as text when the verify token matches, with no handler and no dedup', async () => {
    const { get, seen } = setup()
    const request = metaVerification({
      url: '/webhooks/meta',
      verifyToken: VERIFY_TOKEN,
      challenge: '1158201444',
    })
    for (let round = 0; round < 2; round++) {
      const response = await get(request.url)
      expect(response.status).toBe(200)
      expect(response.body).toBe('1158201444')
      expect(response.headers['content-type']).toMatch(/^text\/plain/)
    }
    expect(seen).toHaveLength(0)
  })

  it('reads the query of an absolute URL, and accepts either verify token while rotating', async () => {
    const { get } = setup({ appSecret: APP_SECRET, verifyToken: ['old-verify-token', VERIFY_TOKEN] })
    const url = `https://example.com/hook?hub.mode=subscribe&hub.challenge=42&hub.verify_token=old-verify-token#x`
    expect(await get(url)).toMatchObject({ status: 200, body: '42' })
    expect(
      await get(metaVerification({ url: '/h', verifyToken: VERIFY_TOKEN, challenge: '7' }).url),
    ).toMatchObject({
      status: 200,
      body: '7',
    })
  })

  it('refuses a wrong or missing verify token with 401, and a bad mode or challenge with 400, never echoing them', async () => {
    const { get } = setup()
    const cases: [string, number, string][] = [
      ['/h?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong-token', 401, 'signature_invalid'],
      ['/h?hub.mode=subscribe&hub.challenge=1', 401, 'signature_missing'],
      ['/h', 401, 'signature_missing'],
      [
        `/h?hub.mode=subscribe&hub.challenge=1&hub.verify_token=${VERIFY_TOKEN}&hub.verify_token=x`,
        401,
        'signature_missing',
      ],
      [`/h?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${VERIFY_TOKEN}`, 400, 'payload_invalid'],
      [`/h?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`, 400, 'payload_invalid'],
      [
        `/h?hub.mode=subscribe&hub.challenge=%3Cscript%3E%20x&hub.verify_token=${VERIFY_TOKEN}`,
        400,
        'payload_invalid',
      ],
      [
        `/h?hub.mode=subscribe&hub.challenge=${'1'.repeat(257)}&hub.verify_token=${VERIFY_TOKEN}`,
        400,
        'payload_invalid',
      ],
    ]
    for (const [url, status, code] of cases) {
      const response = await get(url)
      expect(response.status, url).toBe(status)
      expect(JSON.parse(response.body).code, url).toBe(code)
      expect(response.body).not.toContain('wrong-token')
      expect(response.body).not.toContain(VERIFY_TOKEN)
    }
  })

  it('lists GET in Allow beside POST', async () => {
    const put = await setup().receiver.handle({ method: 'PUT', url: '/h', headers: {}, body: '' })
    expect(put.status).toBe(405)
    expect(put.headers.allow).toBe('GET, POST')
  })
})

describe('Meta verification requests through the adapters', () => {
  it('are answered over real HTTP by nodeHandler, and by fetchHandler, which let GET through to the provider', async () => {
    const { receiver, seen } = setup()
    const request = metaVerification({
      url: '/webhooks/meta',
      verifyToken: VERIFY_TOKEN,
      challenge: '987654321',
    })
    const server = createServer(nodeHandler(receiver))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const viaNode = await fetch(`http://127.0.0.1:${port}${request.url}`)
      expect(viaNode.status).toBe(200)
      expect(await viaNode.text()).toBe('987654321')
      const post = signMeta({ payload: WHATSAPP, appSecret: APP_SECRET })
      const posted = await fetch(`http://127.0.0.1:${port}/webhooks/meta`, post)
      expect(posted.status).toBe(200)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    const viaFetch = await fetchHandler(receiver)(new Request(`http://localhost${request.url}`))
    expect(viaFetch.status).toBe(200)
    expect(await viaFetch.text()).toBe('987654321')
    expect(seen.map((event) => event.type)).toEqual(['whatsapp_business_account.messages'])
  })
})
