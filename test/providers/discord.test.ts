/**
 * Discord: interactions and webhook events, `X-Signature-Ed25519` over `<X-Signature-Timestamp><body>` (Discord docs,
 * "Security and Authorization"), checked against discord-interactions' own `verifyKey` both ways; the PING handshakes
 * answered by the provider; interactions and webhook events dispatched on their types; the interaction response.
 */
import { createPrivateKey, sign } from 'node:crypto'
import { InteractionResponseType, InteractionType, verifyKey } from 'discord-interactions'
import { describe, expect, it } from 'vitest'
import { createReceiver, memoryStore, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { discord, discordReply } from '../../src/providers/discord.js'
import { generateDiscordKeyPair, signDiscord } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const NOW = 1_700_000_000
const keys = generateDiscordKeyPair()

const command = (id = '1200000000000000001') => ({
  id,
  application_id: '1100000000000000000',
  type: InteractionType.APPLICATION_COMMAND,
  token: 'interaction-token',
  version: 1,
  data: { id: '1300000000000000000', name: 'ping', type: 1 },
})

function setup() {
  const store = memoryStore()
  const reserved: string[] = []
  const reserve = store.reserve.bind(store)
  store.reserve = (key, token, leaseMs) => {
    reserved.push(key)
    return reserve(key, token, leaseMs)
  }
  const receiver = createReceiver({
    provider: discord({ publicKey: keys.publicKey }),
    store,
    now: () => NOW * 1000,
    logger: silentLogger(),
  })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (delivery: { headers: Record<string, string>; body: string }): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', url: '/discord', headers: delivery.headers, body: delivery.body })
  return { receiver, seen, post, reserved }
}

const problem = (response: WebhookResponse) => JSON.parse(response.body) as { code: string; status: number }

describe("Discord and discord-interactions' verifyKey", () => {
  it("signDiscord's deliveries pass verifyKey, and fail it for a changed byte or another key", async () => {
    const delivery = signDiscord({ payload: command(), privateKey: keys.privateKey, timestamp: NOW })
    const signature = delivery.headers['x-signature-ed25519']!
    const timestamp = delivery.headers['x-signature-timestamp']!
    expect(signature).toMatch(/^[0-9a-f]{128}$/)
    expect(await verifyKey(delivery.body, signature, timestamp, keys.publicKey)).toBe(true)
    expect(await verifyKey(`${delivery.body} `, signature, timestamp, keys.publicKey)).toBe(false)
    expect(await verifyKey(delivery.body, signature, timestamp, generateDiscordKeyPair().publicKey)).toBe(
      false,
    )
  })

  it('accepts a delivery signed by node:crypto over timestamp + body, which verifyKey accepts too', async () => {
    const body = JSON.stringify(command('1200000000000000002'))
    const timestamp = String(NOW)
    const privateKey = createPrivateKey({
      key: Buffer.concat([
        Buffer.from('302e020100300506032b657004220420', 'hex'),
        Buffer.from(keys.privateKey, 'hex'),
      ]),
      format: 'der',
      type: 'pkcs8',
    })
    const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex')
    expect(await verifyKey(body, signature, timestamp, keys.publicKey)).toBe(true)
    const { post, seen } = setup()
    const response = await post({
      headers: { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
      body,
    })
    expect(response.status).toBe(204)
    expect(seen.map((event) => [event.type, event.id, event.timestamp])).toEqual([
      ['APPLICATION_COMMAND', '1200000000000000002', NOW],
    ])
  })
})

describe('Discord handshakes, answered by the provider', () => {
  it('answers an interaction PING with {"type":1} (PONG), running no handler and touching no store', async () => {
    const { post, seen, reserved } = setup()
    const ping = { id: '1', application_id: '2', type: InteractionType.PING, token: 't', version: 1 }
    const response = await post(signDiscord({ payload: ping, privateKey: keys.privateKey, timestamp: NOW }))
    expect(response).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: InteractionResponseType.PONG }),
    })
    expect(seen).toHaveLength(0)
    expect(reserved).toHaveLength(0)
  })

  it('answers a webhook event PING (type 0) with an empty 204, running no handler', async () => {
    const { post, seen, reserved } = setup()
    const ping = { version: 1, application_id: '1100000000000000000', type: 0 }
    const response = await post(signDiscord({ payload: ping, privateKey: keys.privateKey, timestamp: NOW }))
    expect(response).toMatchObject({ status: 204, body: '' })
    expect(seen).toHaveLength(0)
    expect(reserved).toHaveLength(0)
  })

  it('does not answer a PING whose signature fails', async () => {
    const { post } = setup()
    const ping = { id: '1', application_id: '2', type: 1, token: 't', version: 1 }
    const other = generateDiscordKeyPair()
    const response = await post(signDiscord({ payload: ping, privateKey: other.privateKey, timestamp: NOW }))
    expect(problem(response)).toMatchObject({ status: 401, code: 'signature_invalid' })
  })
})

describe('Discord interactions and webhook events', () => {
  it("sends a handler's discordReply as the interaction response (JSON), and 204 for anything else", async () => {
    const { receiver, post } = setup()
    receiver.on('APPLICATION_COMMAND', (event) =>
      event.payload.data?.name === 'ping'
        ? discordReply({
            type: InteractionResponseType.CHANNEL_MESSAGE_WITH_SOURCE,
            data: { content: 'Pong!' },
          })
        : { type: 4, data: { content: 'a plain object is not sent' } },
    )
    const response = await post(
      signDiscord({ payload: command(), privateKey: keys.privateKey, timestamp: NOW }),
    )
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('application/json')
    expect(JSON.parse(response.body)).toEqual({ type: 4, data: { content: 'Pong!' } })
    const other = { ...command('1200000000000000003'), data: { id: '1', name: 'other', type: 1 } }
    const silent = await post(signDiscord({ payload: other, privateKey: keys.privateKey, timestamp: NOW }))
    expect(silent).toMatchObject({ status: 204, body: '' })
  })

  it('names each interaction type as Discord does, and dedups on the interaction id', async () => {
    const { post, seen } = setup()
    for (const [type, id] of [
      [InteractionType.MESSAGE_COMPONENT, '11'],
      [InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE, '12'],
      [InteractionType.MODAL_SUBMIT, '13'],
      [InteractionType.MODAL_SUBMIT, '13'],
    ] as const) {
      const payload = { ...command(id), type }
      expect((await post(signDiscord({ payload, privateKey: keys.privateKey, timestamp: NOW }))).status).toBe(
        204,
      )
    }
    expect(seen.map((event) => [event.type, event.id])).toEqual([
      ['MESSAGE_COMPONENT', '11'],
      ['APPLICATION_COMMAND_AUTOCOMPLETE', '12'],
      ['MODAL_SUBMIT', '13'],
    ])
  })

  it('dispatches a webhook event on event.type, deduplicated on a hash of the body (Discord sends no id)', async () => {
    const { post, seen } = setup()
    const payload = {
      version: 1,
      application_id: '1100000000000000000',
      type: 1,
      event: {
        type: 'APPLICATION_AUTHORIZED',
        timestamp: '2024-10-18T14:42:53.064834',
        data: {
          integration_type: 1,
          user: { id: '1', username: 'nelly' },
          scopes: ['applications.commands'],
        },
      },
    }
    const delivery = signDiscord({ payload, privateKey: keys.privateKey, timestamp: NOW })
    expect((await post(delivery)).status).toBe(204)
    expect((await post(delivery)).status).toBe(204)
    expect(seen.map((event) => event.type)).toEqual(['APPLICATION_AUTHORIZED'])
    expect(seen[0]!.id).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('refuses a body that is neither an interaction nor a webhook event with 400 payload_invalid', async () => {
    const { post } = setup()
    for (const payload of [{ type: 'x' }, { type: 9, id: '1', token: 't' }, { type: 1 }, [], { type: 2 }]) {
      const response = await post(signDiscord({ payload, privateKey: keys.privateKey, timestamp: NOW }))
      expect(problem(response), JSON.stringify(payload)).toMatchObject({
        status: 400,
        code: 'payload_invalid',
      })
    }
  })

  it('refuses a missing timestamp header with 400 header_missing', async () => {
    const { post } = setup()
    const delivery = signDiscord({ payload: command(), privateKey: keys.privateKey, timestamp: NOW })
    const { 'x-signature-timestamp': _, ...headers } = delivery.headers
    expect(problem(await post({ ...delivery, headers }))).toMatchObject({
      status: 400,
      code: 'header_missing',
    })
  })
})

describe('discord({ publicKey }) at construction', () => {
  it('takes the hex public key in either case, and several while rotating', () => {
    expect(() => discord({ publicKey: keys.publicKey.toUpperCase() })).not.toThrow()
    expect(() => discord({ publicKey: [keys.publicKey, generateDiscordKeyPair().publicKey] })).not.toThrow()
  })

  it('refuses what is not a Public Key, saying where to find it without echoing the value', () => {
    const botToken = 'MTEwMDAwMDAwMDAwMDAwMDAwMA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB'
    for (const publicKey of [botToken, 'a'.repeat(63), `${keys.publicKey}00`, '']) {
      let message = ''
      try {
        discord({ publicKey })
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toMatch(/^discord\(\{ publicKey \}\)/)
      if (publicKey !== '') expect(message).not.toContain(publicKey)
    }
    expect(() => discord({ publicKey: botToken })).toThrow(/General Information/)
  })
})
