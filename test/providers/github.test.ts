/**
 * GitHub at run time: event names with and without an action, families (`issues` receives `issues.opened`), and
 * the form content type (`payload=` field) next to JSON. Signature vectors and SDK round trips are in
 * test/sdk-conformance.test.ts.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createReceiver, type WebhookEvent } from '../../src/index.js'
import { github } from '../../src/providers/github.js'
import { signGitHub } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'
import { signGitHubForm } from '../support/provider-cases.js'

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
