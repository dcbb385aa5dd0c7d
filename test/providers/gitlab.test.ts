/**
 * GitLab conformance: the secret token compared as sent, the event type and id headers, and rotation.
 */
import { describe, expect, it } from 'vitest'
import { createReceiver, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import { gitlab } from '../../src/providers/gitlab.js'
import { signGitLab, type SignedDelivery } from '../../src/testing/index.js'
import { silentLogger } from '../support/helpers.js'

const TOKEN = 'glpat-like-secret-token'
const PUSH = { object_kind: 'push', ref: 'refs/heads/main', project: { id: 15 }, commits: [] }

function setup(secretToken: string | string[] = TOKEN) {
  const receiver = createReceiver({
    provider: gitlab({ secretToken }),
    now: () => 1_700_000_000_000,
    logger: silentLogger(),
  })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (delivery: { headers: Record<string, string>; body: string }): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', url: '/gitlab', headers: delivery.headers, body: delivery.body })
  return { receiver, seen, post }
}

const problem = (response: WebhookResponse) => JSON.parse(response.body) as { code: string; status: number }

function without(delivery: SignedDelivery, ...names: string[]): SignedDelivery {
  const headers = { ...delivery.headers }
  for (const name of names) delete headers[name]
  return { ...delivery, headers }
}

const push = (overrides: Partial<Parameters<typeof signGitLab>[0]> = {}) =>
  signGitLab({ event: 'Push Hook', payload: PUSH, secretToken: TOKEN, ...overrides })

describe('GitLab token', () => {
  it('accepts the right token: 200 and the handler runs', async () => {
    const { post, seen } = setup()
    expect((await post(push())).status).toBe(200)
    expect(seen).toHaveLength(1)
  })

  it('refuses a wrong token with 401 signature_invalid, running nothing', async () => {
    const { post, seen } = setup()
    const response = await post(push({ secretToken: 'not-the-token' }))
    expect(response.status).toBe(401)
    expect(problem(response).code).toBe('signature_invalid')
    expect(seen).toHaveLength(0)
  })

  it('refuses a token that only shares a prefix with the right one', async () => {
    const { post } = setup()
    expect((await post(push({ secretToken: TOKEN.slice(0, -1) }))).status).toBe(401)
    expect((await post(push({ secretToken: `${TOKEN}x` }))).status).toBe(401)
  })

  it('refuses a missing X-Gitlab-Token with 401 signature_missing, running nothing', async () => {
    const { post, seen } = setup()
    const response = await post(without(push(), 'x-gitlab-token'))
    expect(response.status).toBe(401)
    expect(problem(response).code).toBe('signature_missing')
    expect(seen).toHaveLength(0)
  })

  it('never echoes the token in the refusal', async () => {
    const { post } = setup()
    const response = await post(push({ secretToken: 'wrong-token-value' }))
    expect(response.body).not.toContain('wrong-token-value')
    expect(response.body).not.toContain(TOKEN)
  })

  it('accepts the old and the new token while rotating', async () => {
    const { post, seen } = setup(['new-token', TOKEN])
    expect((await post(push())).status).toBe(200)
    expect((await post(push({ secretToken: 'new-token' }))).status).toBe(200)
    expect((await post(push({ secretToken: 'retired-token' }))).status).toBe(401)
    expect(seen).toHaveLength(2)
  })

  it('authenticates the sender, not the body: GitLab signs nothing, so a changed body is still accepted', async () => {
    // Documented limitation (docs/providers.md, GitLab): the token proves who sent the request, not what it contains.
    const { post, seen } = setup()
    const delivery = push()
    expect(
      (await post({ ...delivery, body: JSON.stringify({ ...PUSH, ref: 'refs/heads/evil' }) })).status,
    ).toBe(200)
    expect(seen[0]?.payload).toMatchObject({ ref: 'refs/heads/evil' })
  })
})

describe('GitLab event type and id', () => {
  it('dispatches on X-Gitlab-Event', async () => {
    const { receiver, post } = setup()
    const received: WebhookEvent[] = []
    receiver.on('Merge Request Hook', (event) => {
      received.push(event)
    })
    await post(push({ event: 'Merge Request Hook', payload: { object_kind: 'merge_request' } }))
    expect(received.map((event) => [event.type, event.provider])).toEqual([['Merge Request Hook', 'gitlab']])
  })

  it('uses Idempotency-Key as the id when present', async () => {
    const { post, seen } = setup()
    const delivery = push({ idempotencyKey: 'idem-1' })
    await post({ ...delivery, headers: { ...delivery.headers, 'x-gitlab-event-uuid': 'uuid-1' } })
    expect(seen.map((event) => event.id)).toEqual(['idem-1'])
  })

  it('runs two events sharing an X-Gitlab-Event-UUID both (GitLab gives a recursive chain of webhooks one UUID)', async () => {
    const { post, seen } = setup()
    // A bot that comments on a merge request when it opens: the comment's webhook carries the first one's UUID.
    for (const event of ['Merge Request Hook', 'Note Hook']) {
      const delivery = without(push({ event, payload: { object_kind: event } }), 'idempotency-key')
      await post({ ...delivery, headers: { ...delivery.headers, 'x-gitlab-event-uuid': 'chain-uuid' } })
    }
    expect(seen.map((event) => event.type)).toEqual(['Merge Request Hook', 'Note Hook'])
  })

  it('falls back to a hash of the body without Idempotency-Key (GitLab before 17.4)', async () => {
    const { post, seen } = setup()
    await post(without(push(), 'idempotency-key'))
    expect(seen[0]?.id).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('runs a re-sent delivery with the same Idempotency-Key once', async () => {
    const { post, seen } = setup()
    expect((await post(push({ idempotencyKey: 'same' }))).status).toBe(200)
    const again = await post(push({ idempotencyKey: 'same' }))
    expect(JSON.parse(again.body)).toEqual({ received: true, duplicate: true })
    expect(seen).toHaveLength(1)
  })

  it('runs an identical id-less body once (the body hash is the id)', async () => {
    const { post, seen } = setup()
    const delivery = without(push(), 'idempotency-key')
    await post(delivery)
    await post(delivery)
    expect(seen).toHaveLength(1)
  })

  it('answers 400 header_missing without X-Gitlab-Event, running nothing', async () => {
    const { post, seen } = setup()
    const response = await post(without(push(), 'x-gitlab-event'))
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('header_missing')
    expect(seen).toHaveLength(0)
  })

  it('answers 400 body_malformed for a body that is not a JSON object', async () => {
    const { post, seen } = setup()
    const response = await post({ ...push(), body: '[1,2]' })
    expect(response.status).toBe(400)
    expect(problem(response).code).toBe('body_malformed')
    expect(seen).toHaveLength(0)
  })
})
