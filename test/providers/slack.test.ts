/**
 * Slack conformance: the documented signing example, the Events API handshake and envelope, retries, slash
 * commands and interactivity with reply bodies, and the 5-minute tolerance.
 */
import { describe, expect, it } from 'vitest'
import { createReceiver, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { slack, slackReply } from '../../src/providers/slack.js'
import { twimlReply } from '../../src/providers/twilio.js'
import { signSlack, type SignedDelivery } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

/**
 * The worked example in Slack's "Verifying requests from Slack"
 * (https://docs.slack.dev/authentication/verifying-requests-from-slack, formerly
 * https://api.slack.com/authentication/verifying-requests-from-slack): a slash command's form body, byte for byte.
 */
const DOC = {
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
}
const DOC_HEADERS = {
  'content-type': 'application/x-www-form-urlencoded',
  'x-slack-request-timestamp': DOC.timestamp,
  'x-slack-signature': DOC.signature,
}

const NOW = 1_700_000_000
const SECRET = 'slack-signing-secret-conformance'

function setup(nowSeconds = NOW) {
  const logger = silentLogger()
  const receiver = createReceiver({
    provider: slack({ signingSecret: SECRET }),
    now: () => nowSeconds * 1000,
    logger,
  })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (delivery: { headers: Record<string, string>; body: string }): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', url: '/slack/events', headers: delivery.headers, body: delivery.body })
  return { receiver, seen, post, logger }
}

const problem = (response: WebhookResponse) => JSON.parse(response.body) as { code: string; status: number }

const eventCallback = (eventId: string, retryNum?: number): SignedDelivery =>
  signSlack({
    signingSecret: SECRET,
    timestamp: NOW,
    ...(retryNum === undefined ? {} : { retryNum }),
    payload: {
      token: 'XXYYZZ',
      team_id: 'T123ABC456',
      api_app_id: 'A123ABC456',
      type: 'event_callback',
      event_id: eventId,
      event_time: NOW,
      event: { type: 'app_mention', user: 'U123ABC456', text: '<@U0LAN0Z89> is it everything?', ts: '1.2' },
    },
  })

const slashCommand = (text = 'api'): SignedDelivery =>
  signSlack({
    signingSecret: SECRET,
    timestamp: NOW,
    form: {
      command: '/deploy',
      text,
      trigger_id: '13345224609.738474920.8088930838d88f008e0',
      user_id: 'U2147483697',
      team_id: 'T0001',
      channel_id: 'C2147483705',
      response_url: 'https://hooks.slack.com/commands/1234/5678',
    },
  })

describe("Slack's documented example", () => {
  it('is accepted, dispatched on its command, at its own timestamp', async () => {
    const receiver = createReceiver({
      provider: slack({ signingSecret: DOC.signingSecret }),
      now: () => Number(DOC.timestamp) * 1000,
      logger: silentLogger(),
    })
    const seen: WebhookEvent[] = []
    receiver.on('/webhook-collect', (event) => {
      seen.push(event)
    })
    const response = await receiver.handle({
      method: 'POST',
      url: '/slack',
      headers: DOC_HEADERS,
      body: DOC.body,
    })
    expect(response.status).toBe(200)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({
      type: '/webhook-collect',
      id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
      timestamp: 1531420618,
      payload: { command: '/webhook-collect', user_name: 'roadrunner', text: '' },
    })
  })

  it('is reproduced byte for byte by signSlack', () => {
    const delivery = signSlack({
      signingSecret: DOC.signingSecret,
      timestamp: Number(DOC.timestamp),
      form: new URLSearchParams(DOC.body),
    })
    expect(delivery.body).toBe(DOC.body)
    expect(delivery.headers['x-slack-signature']).toBe(DOC.signature)
  })

  it('is refused with signature_invalid when its timestamp header is one second off', async () => {
    const receiver = createReceiver({
      provider: slack({ signingSecret: DOC.signingSecret }),
      now: () => Number(DOC.timestamp) * 1000,
      logger: silentLogger(),
    })
    const headers = { ...DOC_HEADERS, 'x-slack-request-timestamp': '1531420619' }
    await expect(
      receiver.verify({ method: 'POST', url: '/slack', headers, body: DOC.body }),
    ).rejects.toMatchObject({ status: 401, code: 'signature_invalid' })
  })
})

describe('Slack Events API', () => {
  it('answers url_verification with its challenge as text/plain, running no handler', async () => {
    const { receiver, post, seen } = setup()
    let named = 0
    receiver.on('url_verification' as never, () => {
      named++
    })
    const challenge = '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P'
    const response = await post(
      signSlack({
        signingSecret: SECRET,
        timestamp: NOW,
        payload: { token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge, type: 'url_verification' },
      }),
    )
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/plain/)
    expect(response.body).toBe(challenge)
    expect(seen).toHaveLength(0)
    expect(named).toBe(0)
  })

  it('refuses an unsigned url_verification: the handshake is verified like any request', async () => {
    const { post } = setup()
    const forged = signSlack({
      signingSecret: 'not-the-secret',
      timestamp: NOW,
      payload: { challenge: 'x', type: 'url_verification' },
    })
    const response = await post(forged)
    expect(response.status).toBe(401)
    expect(response.body).not.toBe('x')
  })

  it('dispatches event_callback on the inner event.type with event_id as the id', async () => {
    const { receiver, post } = setup()
    const received: WebhookEvent[] = []
    receiver.on('app_mention', (event) => {
      received.push(event)
    })
    expect((await post(eventCallback('Ev123ABC456'))).status).toBe(200)
    expect(received).toHaveLength(1)
    expect(received[0]).toMatchObject({
      type: 'app_mention',
      id: 'Ev123ABC456',
      provider: 'slack',
      timestamp: NOW,
      payload: { type: 'event_callback', event: { type: 'app_mention' } },
    })
  })

  it('exposes X-Slack-Retry-Num 2 as attempt 3', async () => {
    const { post, seen } = setup()
    await post(eventCallback('Ev-retry', 2))
    expect(seen.map((event) => event.attempt)).toEqual([3])
  })

  it('reports attempt 1 when X-Slack-Retry-Num is absent', async () => {
    const { post, seen } = setup()
    await post(eventCallback('Ev-first'))
    expect(seen.map((event) => event.attempt)).toEqual([1])
  })

  it('runs a retried event_id once', async () => {
    const { post, seen } = setup()
    expect((await post(eventCallback('Ev-dup'))).status).toBe(200)
    expect((await post(eventCallback('Ev-dup', 1))).status).toBe(200)
    expect(seen).toHaveLength(1)
  })

  it('answers 400 body_malformed for a verified body that is not JSON, running no handler', async () => {
    const { post, seen } = setup()
    const response = await post(signSlack({ signingSecret: SECRET, timestamp: NOW, payload: '{"type":' }))
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('body_malformed')
    expect(seen).toHaveLength(0)
  })
})

describe('Slack slash commands and interactivity', () => {
  it('dispatches a slash command on its name (/deploy) with the form fields as payload', async () => {
    const { receiver, post } = setup()
    const received: WebhookEvent[] = []
    receiver.on('/deploy', (event) => {
      received.push(event)
    })
    await post(slashCommand('api v2'))
    expect(received).toHaveLength(1)
    expect(received[0]).toMatchObject({
      type: '/deploy',
      id: '13345224609.738474920.8088930838d88f008e0',
      payload: { command: '/deploy', text: 'api v2', channel_id: 'C2147483705' },
    })
  })

  it('sends a slackReply of a message object back as JSON', async () => {
    const { receiver, post } = setup()
    receiver.on('/deploy', (event) =>
      slackReply({
        response_type: 'ephemeral',
        text: `Deploying ${event.payload.text}`,
      }),
    )
    const response = await post(slashCommand('api'))
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('application/json')
    expect(JSON.parse(response.body)).toEqual({ response_type: 'ephemeral', text: 'Deploying api' })
  })

  it('sends a slackReply of text back as text/plain', async () => {
    const { receiver, post } = setup()
    receiver.on('/deploy', () => slackReply('On it.'))
    const response = await post(slashCommand())
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/plain/)
    expect(response.body).toBe('On it.')
  })

  it('sends the first reply in registration order when several handlers reply', async () => {
    const { receiver, post } = setup()
    receiver.on('/deploy', () => undefined)
    receiver.on('/deploy', async () => slackReply('first'))
    receiver.on('/deploy', () => slackReply('second'))
    expect((await post(slashCommand())).body).toBe('first')
  })

  it('never sends what a handler returns without slackReply (a database row), and says so once per receiver', async () => {
    const { receiver, post, logger } = setup()
    receiver.on('/deploy', async () => ({ id: 42, secretColumn: 'hunter2-do-not-show' }))
    receiver.on('/status', () => 'internal text')
    const response = await post(slashCommand())
    expect(response).toMatchObject({ status: 200, body: '' })
    expect(response.body).not.toContain('hunter2')
    const status = await post(
      signSlack({
        form: { command: '/status', text: '', trigger_id: 't-2' },
        signingSecret: SECRET,
        timestamp: NOW,
      }),
    )
    expect(status).toMatchObject({ status: 200, body: '' })
    expect(logger.warnings).toHaveLength(1)
    expect(String(logger.warnings[0]?.[0])).toMatch(/not a reply; it was not sent.*slackReply/)
  })

  it('does not send a reply made for another sender (TwiML to Slack)', async () => {
    const { receiver, post, logger } = setup()
    receiver.on('/deploy', () => twimlReply('<Response><Message>hi</Message></Response>'))
    expect(await post(slashCommand())).toMatchObject({ status: 200, body: '' })
    expect(logger.warnings).toHaveLength(1)
  })

  it('answers an empty 200 when no handler returns a reply', async () => {
    const { post, seen } = setup()
    const response = await post(slashCommand())
    expect(response).toMatchObject({ status: 200, body: '' })
    expect(seen).toHaveLength(1)
  })

  it('dispatches an interactivity payload= form on payload.type', async () => {
    const { receiver, post } = setup()
    const received: WebhookEvent[] = []
    receiver.on('block_actions', (event) => {
      received.push(event)
    })
    const interaction = {
      type: 'block_actions',
      trigger_id: '12466734323.1395872398',
      user: { id: 'U123' },
      actions: [{ action_id: 'approve', value: 'yes' }],
    }
    await post(
      signSlack({ signingSecret: SECRET, timestamp: NOW, form: { payload: JSON.stringify(interaction) } }),
    )
    expect(received).toHaveLength(1)
    expect(received[0]).toMatchObject({
      type: 'block_actions',
      id: '12466734323.1395872398',
      payload: interaction,
    })
  })
})

describe('Slack timestamp tolerance (5 minutes, both directions)', () => {
  const at = (timestamp: number) =>
    signSlack({ signingSecret: SECRET, timestamp, form: { command: '/t', text: '' } })

  it('accepts a request signed 300 s ago', async () => {
    expect((await setup().post(at(NOW - 300))).status).toBe(200)
  })

  it('accepts a request signed 300 s ahead', async () => {
    expect((await setup().post(at(NOW + 300))).status).toBe(200)
  })

  it('refuses a request signed 301 s ago with timestamp_out_of_tolerance', async () => {
    const { post, seen } = setup()
    const response = await post(at(NOW - 301))
    expect(response.status).toBe(401)
    expect(problem(response).code).toBe('timestamp_out_of_tolerance')
    expect(seen).toHaveLength(0)
  })

  it('refuses a request signed 301 s ahead with timestamp_out_of_tolerance', async () => {
    const { post, seen } = setup()
    const response = await post(at(NOW + 301))
    expect(response.status).toBe(401)
    expect(problem(response).code).toBe('timestamp_out_of_tolerance')
    expect(seen).toHaveLength(0)
  })

  it('answers 400 header_missing when X-Slack-Request-Timestamp is absent', async () => {
    const { post, seen } = setup()
    const { 'x-slack-request-timestamp': _, ...headers } = at(NOW).headers
    const response = await post({ headers, body: at(NOW).body })
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('header_missing')
    expect(seen).toHaveLength(0)
  })
})
