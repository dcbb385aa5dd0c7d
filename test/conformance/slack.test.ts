import { describe, expect, it } from 'vitest'
import { createReceiver } from '../../src/index.js'
import { slack } from '../../src/providers/slack.js'
import { signSlack } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const SECRET = 'slack signing secret'
const NOW = 1_700_000_000
const post = (delivery: { headers: Record<string, string>; body: string }) => ({
  method: 'POST',
  url: '/slack',
  ...delivery,
})

function setup(nowSeconds = NOW) {
  return createReceiver({
    provider: slack({ signingSecret: SECRET }),
    now: () => nowSeconds * 1000,
    logger: silentLogger(),
  })
}

describe('Slack', () => {
  it("accepts Slack's documented example request", async () => {
    // api.slack.com, "Verifying requests from Slack": the slash command body, timestamp, secret and signature.
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c'
    const receiver = createReceiver({
      provider: slack({ signingSecret: '8f742231b10e8888abcd99yyyzzz85a5' }),
      now: () => 1531420618 * 1000,
      logger: silentLogger(),
    })
    const seen: string[] = []
    receiver.on('/webhook-collect', (event) => {
      seen.push(event.payload.user_name ?? '')
    })
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    }
    expect((await receiver.handle({ method: 'POST', url: '/', headers, body })).status).toBe(200)
    expect(seen).toEqual(['roadrunner'])
  })

  it('answers url_verification with its challenge and runs no handler', async () => {
    const receiver = setup()
    let runs = 0
    receiver.onAny(() => {
      runs++
    })
    const delivery = signSlack({
      payload: { type: 'url_verification', token: 't', challenge: 'c-123' },
      signingSecret: SECRET,
      timestamp: NOW,
    })
    const response = await receiver.handle(post(delivery))
    expect(response.status).toBe(200)
    expect(response.body).toBe('c-123')
    expect(runs).toBe(0)
  })

  it('dispatches an event_callback on the inner event type, with event_id as id and the retry number as attempt', async () => {
    const receiver = setup()
    const seen: unknown[] = []
    receiver.on('app_mention', (event) => {
      seen.push([event.id, event.type, event.attempt, event.payload.event.text])
    })
    const payload = {
      type: 'event_callback',
      team_id: 'T1',
      api_app_id: 'A1',
      event_id: 'Ev1',
      event_time: NOW,
      event: { type: 'app_mention', text: 'hi', user: 'U1', ts: '1', channel: 'C1', event_ts: '1' },
    }
    expect(
      (
        await receiver.handle(
          post(signSlack({ payload, signingSecret: SECRET, timestamp: NOW, retryNum: 2 })),
        )
      ).status,
    ).toBe(200)
    expect(seen).toEqual([['Ev1', 'app_mention', 3, 'hi']])
    // Slack's retry of the same event is a duplicate.
    expect(
      (
        await receiver.handle(
          post(signSlack({ payload, signingSecret: SECRET, timestamp: NOW, retryNum: 3 })),
        )
      ).status,
    ).toBe(200)
    expect(seen).toHaveLength(1)
  })

  it("sends a slash command handler's object back as JSON and a string as text", async () => {
    const receiver = setup()
    receiver.on('/deploy', (event) => ({
      response_type: 'ephemeral',
      text: `deploying ${event.payload.text}`,
    }))
    receiver.on('/ping', () => 'pong')
    const deploy = await receiver.handle(
      post(
        signSlack({
          form: { command: '/deploy', text: 'api', trigger_id: '1.2.3' },
          signingSecret: SECRET,
          timestamp: NOW,
        }),
      ),
    )
    expect(deploy.headers['content-type']).toBe('application/json')
    expect(JSON.parse(deploy.body)).toEqual({ response_type: 'ephemeral', text: 'deploying api' })
    const ping = await receiver.handle(
      post(
        signSlack({
          form: { command: '/ping', text: '', trigger_id: '4.5.6' },
          signingSecret: SECRET,
          timestamp: NOW,
        }),
      ),
    )
    expect(ping.headers['content-type']).toContain('text/plain')
    expect(ping.body).toBe('pong')
  })

  it('answers an empty 200 when no handler returns a reply', async () => {
    const response = await setup().handle(
      post(
        signSlack({ form: { command: '/quiet', trigger_id: '7' }, signingSecret: SECRET, timestamp: NOW }),
      ),
    )
    expect(response).toMatchObject({ status: 200, body: '' })
  })

  it('dispatches interactivity payloads on their type', async () => {
    const receiver = setup()
    const seen: string[] = []
    receiver.on('block_actions', (event) => {
      seen.push(event.id)
    })
    const form = { payload: JSON.stringify({ type: 'block_actions', trigger_id: 'tr-1', actions: [] }) }
    expect(
      (await receiver.handle(post(signSlack({ form, signingSecret: SECRET, timestamp: NOW })))).status,
    ).toBe(200)
    expect(seen).toEqual(['tr-1'])
  })

  it('accepts timestamps within 5 minutes either way and refuses them beyond', async () => {
    const payload = { type: 'event_callback', event_id: 'Ev9', event: { type: 'team_join' } }
    for (const [offset, status] of [
      [300, 200],
      [-300, 200],
      [301, 401],
      [-301, 401],
    ] as const) {
      const response = await setup(NOW + offset).handle(
        post(
          signSlack({
            payload: { ...payload, event_id: `Ev${offset}` },
            signingSecret: SECRET,
            timestamp: NOW,
          }),
        ),
      )
      expect(response.status, `offset ${offset}`).toBe(status)
    }
  })
})
