/**
 * GitHub at run time: event names with and without an action, families (`issues` receives `issues.opened`), and
 * the form content type (`payload=` field) next to JSON; GitHub's documented vector and round trips with
 * `@octokit/webhooks-methods`.
 */
import { verify as octokitVerify, sign as octokitSign } from '@octokit/webhooks-methods'
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createReceiver, type WebhookEvent } from '../../src/index.js'
import { github } from '../../src/providers/github.js'
import { signGitHub } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'
import { signGitHubForm } from '../support/provider-cases.js'
import { providerHarness } from '../support/provider-harness.js'

const SECRET = 'github test secret'
const opened = { action: 'opened', issue: { number: 7, title: 'Zoë can’t log in' } }

function setup() {
  const receiver = createReceiver({ provider: github({ secret: SECRET }), logger: silentLogger() })
  const seen: { name: string; type: string }[] = []
  const record = (name: string) => (event: WebhookEvent) => {
    seen.push({ name, type: event.type })
  }
  return { receiver, seen, record }
}

const send = (receiver: ReturnType<typeof setup>['receiver'], event: string, payload: unknown) =>
  receiver.handle({ url: '/hook', ...signGitHub({ event, payload, secret: SECRET }) })

describe('github event names', () => {
  it('names an event with an action `<event>.<action>`', async () => {
    const { receiver, seen, record } = setup()
    receiver.on('issues.opened', record('issues.opened'))
    expect((await send(receiver, 'issues', opened)).status).toBe(200)
    expect(seen).toEqual([{ name: 'issues.opened', type: 'issues.opened' }])
  })

  it('delivers every action of an event to a handler on the event family', async () => {
    const { receiver, seen, record } = setup()
    receiver.on('issues', record('issues'))
    await send(receiver, 'issues', opened)
    await send(receiver, 'issues', { ...opened, action: 'closed' })
    expect(seen).toEqual([
      { name: 'issues', type: 'issues.opened' },
      { name: 'issues', type: 'issues.closed' },
    ])
  })

  it('runs a handler registered under both the family and the action once', async () => {
    const { receiver, seen, record } = setup()
    const both = record('both')
    receiver.on('issues', both)
    receiver.on('issues.opened', both)
    await send(receiver, 'issues', opened)
    expect(seen).toEqual([{ name: 'both', type: 'issues.opened' }])
  })

  it('does not hand an issues event to a handler on another family', async () => {
    const { receiver, seen, record } = setup()
    receiver.on('pull_request', record('pull_request'))
    expect((await send(receiver, 'issues', opened)).status).toBe(200)
    expect(seen).toEqual([])
  })

  it('names an event without an action by its header alone', async () => {
    const { receiver, seen, record } = setup()
    receiver.on('push', record('push'))
    await send(receiver, 'push', { ref: 'refs/heads/main', commits: [] })
    expect(seen).toEqual([{ name: 'push', type: 'push' }])
  })
})

describe('github form content type', () => {
  /** What GitHub sends when the webhook's content type is application/x-www-form-urlencoded. */
  function formDelivery(payload: unknown, secret = SECRET) {
    const delivery = signGitHubForm({
      event: 'issues',
      payload,
      secret,
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    })
    return { ...delivery, url: '/hook' }
  }

  it('verifies the form body as sent and parses the JSON in its payload field', async () => {
    const { receiver } = setup()
    const payloads: unknown[] = []
    receiver.on('issues.opened', (event) => {
      payloads.push(event.payload)
    })
    expect((await receiver.handle(formDelivery(opened))).status).toBe(200)
    expect(payloads).toEqual([opened])
  })

  it('answers 400 body_malformed for an authentic form body without a payload field', async () => {
    const { receiver } = setup()
    const body = 'other=1'
    const response = await receiver.handle({
      ...formDelivery(opened),
      body,
      headers: {
        ...formDelivery(opened).headers,
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
    })
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).code).toBe('body_malformed')
  })
})

const NOW = 1_700_000_000

describe('GitHub against its documented vector and @octokit/webhooks-methods', () => {
  it("accepts GitHub's documented example as authentic, so its non-JSON body is a 400, not a 401", async () => {
    // docs.github.com, "Validating webhook deliveries": secret and payload from the "Testing the webhook payload
    // validation" section.
    const { receiver, post } = providerHarness(github({ secret: "It's a Secret to Everybody" }), NOW)
    const headers = {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      'x-github-event': 'ping',
      'x-github-delivery': 'example',
    }
    const response = await post({ headers, body: 'Hello, World!' })
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).code).toBe('body_malformed')
    await expect(
      receiver.verify({ method: 'POST', url: '/', headers, body: 'Hello, World!' }),
    ).rejects.toMatchObject({ code: 'body_malformed' })
    const wrong = {
      ...headers,
      'x-hub-signature-256': headers['x-hub-signature-256'].replace('757107', '757108'),
    }
    expect((await post({ headers: wrong, body: 'Hello, World!' })).status).toBe(401)
  })

  it("accepts a signature produced by @octokit/webhooks-methods' sign", async () => {
    const { post, seen } = providerHarness(github({ secret: 'gh secret' }), NOW)
    const body = JSON.stringify({ action: 'opened', issue: { number: 1 } })
    const signature = await octokitSign('gh secret', body)
    const headers = {
      'x-hub-signature-256': signature,
      'x-github-event': 'issues',
      'x-github-delivery': 'd1',
    }
    expect((await post({ headers, body })).status).toBe(200)
    expect(seen.map((event) => event.type)).toEqual(['issues.opened'])
  })

  it("produces deliveries that @octokit/webhooks-methods' verify accepts", async () => {
    const delivery = signGitHub({ event: 'push', payload: { ref: 'refs/heads/main' }, secret: 'gh secret' })
    expect(await octokitVerify('gh secret', delivery.body, delivery.headers['x-hub-signature-256']!)).toBe(
      true,
    )
  })
})
