/**
 * Queue mode on BullMQ 6, against a real Redis and a real PostgreSQL (BullMQ's two backends) on 127.0.0.1: the
 * answer waits for the job to be stored, never for a handler; the worker runs the same envelope as inline mode;
 * failures are retried, then dead letters that `replay` runs again; copies of one delivery make one job; a backend
 * outage is a 503 that queues nothing twice.
 */
import { Queue } from 'bullmq'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createReceiver,
  memoryStore,
  type Provider,
  type WebhookEvent,
  type WebhookRequest,
  type WebhookResponse,
} from '../../src/index.js'
import { github } from '../../src/providers/github.js'
import { sendgrid } from '../../src/providers/sendgrid.js'
import { slack } from '../../src/providers/slack.js'
import { stripe } from '../../src/providers/stripe.js'
import { twilio } from '../../src/providers/twilio.js'
import { jobIdFor } from '../../src/queued-event.js'
import { bullmqQueue, type BullmqEventQueue, type BullmqJobSettings } from '../../src/queues/bullmq.js'
import {
  generateSendGridKeyPair,
  signGitHub,
  signSendGrid,
  signSlack,
  signStripe,
  signTwilio,
  type SignedDelivery,
} from '../../src/testing/index.js'
import { deferred, silentLogger } from '../support/helpers.js'
import { QUEUE_BACKENDS, startQueueBackend, type QueueBackend } from '../support/queue-backend.js'

const SECRET = 'whsec_queue_tests'
const UNTIL = { timeout: 20_000, interval: 20 }

const customer = (id: string, extra: Record<string, unknown> = {}) =>
  signStripe({
    payload: { id, object: 'event', type: 'customer.created', data: { object: { id: 'cus_1' } }, ...extra },
    secret: SECRET,
  })

const toRequest = (delivery: SignedDelivery, url = '/webhooks/stripe'): WebhookRequest => ({
  method: 'POST',
  url,
  headers: delivery.headers,
  body: delivery.body,
})

/** The envelope with its bytes as a plain array, so a Buffer and a Uint8Array of the same bytes compare equal. */
const comparable = (event: WebhookEvent) => ({ ...event, rawBody: Array.from(event.rawBody) })

/** What a sender does with a 503 or 409: send again, until the answer is a 2xx. */
async function sendUntilAccepted(
  send: () => Promise<WebhookResponse>,
  giveUpAfterMs = 20_000,
): Promise<WebhookResponse> {
  for (const giveUpAt = Date.now() + giveUpAfterMs; ;) {
    const response = await send()
    if (response.status < 300 || Date.now() > giveUpAt) return response
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

let namespaces = 0
const opened: BullmqEventQueue[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((queue) => queue.close()))
})

/** A receiver in queue mode on a queue of its own (its own namespace), quick to retry; closed after the test. */
function queueMode<P extends Provider<any, any>>(
  backend: QueueBackend,
  provider: P,
  settings: BullmqJobSettings & { name?: string; namespace?: string; storeTimeoutMs?: number } = {},
) {
  const logger = silentLogger()
  const { namespace = `t${++namespaces}`, storeTimeoutMs, name, ...jobs } = settings
  const queue = bullmqQueue({ ...backend.options(), name, attempts: 3, backoff: 20, ...jobs })
  opened.push(queue)
  const receiver = createReceiver({ provider, queue, logger, namespace, storeTimeoutMs })
  /** The job id of one of this receiver's events. */
  const jobId = (id: string) => jobIdFor(`${namespace}:${provider.name}:${id}`)
  return { receiver, queue, logger, jobId }
}

for (const name of QUEUE_BACKENDS) {
  describe(`queue mode on BullMQ with ${name}`, () => {
    let backend: QueueBackend

    beforeAll(async () => {
      backend = await startQueueBackend(name)
    }, 60_000)
    afterAll(() => backend?.close())

    it('answers 200 once the job is stored, while the handler of an earlier event is still running', async () => {
      const { receiver, queue, jobId } = queueMode(backend, stripe({ secret: SECRET }))
      const gate = deferred()
      const started: string[] = []
      receiver.on('customer.created', async (event) => {
        started.push(event.id)
        await gate.promise
      })
      receiver.work({ concurrency: 2 })
      expect(await receiver.handle(toRequest(customer('evt_first')))).toEqual({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"received":true,"queued":true}',
      })
      await expect.poll(() => started, UNTIL).toEqual(['evt_first'])
      // The handler is blocked on the gate: the next delivery is answered anyway, its job stored first.
      expect((await receiver.handle(toRequest(customer('evt_second')))).status).toBe(200)
      const stored = await queue.queue.getJob(jobId('evt_second'))
      expect(stored?.data).toMatchObject({ id: 'evt_second', type: 'customer.created', provider: 'stripe' })
      gate.resolve()
      await expect.poll(() => started.sort(), UNTIL).toEqual(['evt_first', 'evt_second'])
    })

    it('hands the worker the same envelope an inline handler gets', async () => {
      const delivery = customer('evt_envelope', { data: { object: { id: 'cus_9', name: 'Ada ✓' } } })
      const inline = createReceiver({ provider: stripe({ secret: SECRET }) })
      let inlineEvent: WebhookEvent | undefined
      inline.on('customer.created', (event) => {
        inlineEvent = event
      })
      expect((await inline.handle(toRequest(delivery))).status).toBe(200)

      const { receiver } = queueMode(backend, stripe({ secret: SECRET }))
      let queuedEvent: WebhookEvent | undefined
      receiver.on('customer.created', (event) => {
        queuedEvent = event
      })
      expect((await receiver.handle(toRequest(delivery))).status).toBe(200)
      receiver.work()
      await expect.poll(() => queuedEvent, UNTIL).toBeDefined()
      expect(inlineEvent?.timestamp).toBeTypeOf('number')
      expect(comparable(queuedEvent as WebhookEvent)).toEqual(comparable(inlineEvent as WebhookEvent))
      expect(queuedEvent?.rawBody).toBeInstanceOf(Uint8Array)
    })

    it("runs GitHub's family handlers: a handler on 'issues' receives 'issues.opened'", async () => {
      const { receiver } = queueMode(backend, github({ secret: SECRET }))
      const seen: string[] = []
      receiver.on('issues', (event) => {
        seen.push(`${event.type} ${event.id} #${event.payload.issue.number}`)
      })
      const delivery = signGitHub({
        event: 'issues',
        deliveryId: '7d3c0a2e-0000-4000-8000-000000000001',
        payload: { action: 'opened', issue: { number: 7 } },
        secret: SECRET,
      })
      expect((await receiver.handle(toRequest(delivery, '/webhooks/github'))).status).toBe(200)
      receiver.work()
      await expect.poll(() => seen, UNTIL).toEqual(['issues.opened 7d3c0a2e-0000-4000-8000-000000000001 #7'])
    })

    it('retries a handler that fails twice, then completes it; onError sees each failure', async () => {
      const { receiver, queue, jobId } = queueMode(backend, stripe({ secret: SECRET }))
      let runs = 0
      const failures: [string, string | undefined][] = []
      receiver.on('customer.created', () => {
        if (++runs <= 2) throw new Error(`downstream timeout ${runs}`)
      })
      receiver.onError((error, event) => {
        failures.push([(error as Error).message, event?.id])
      })
      expect((await receiver.handle(toRequest(customer('evt_flaky')))).status).toBe(200)
      receiver.work()
      const job = () => queue.queue.getJob(jobId('evt_flaky'))
      await expect.poll(async () => (await job())?.finishedOn !== undefined, UNTIL).toBe(true)
      expect(await (await job())?.getState()).toBe('completed')
      expect(runs).toBe(3)
      expect(failures).toEqual([
        ['downstream timeout 1', 'evt_flaky'],
        ['downstream timeout 2', 'evt_flaky'],
      ])
      expect(await receiver.deadLetters()).toEqual([])
    })

    it('makes a handler that always fails a dead letter after its attempts; replay(id) after the fix completes it', async () => {
      const { receiver, logger, queue } = queueMode(backend, stripe({ secret: SECRET }))
      let fixed = false
      const completed: string[] = []
      receiver.on('customer.created', (event) => {
        if (!fixed) throw new Error('card_declined: the downstream API refused it')
        completed.push(event.id)
      })
      expect((await receiver.handle(toRequest(customer('evt_poison')))).status).toBe(200)
      receiver.work()
      await expect.poll(() => receiver.deadLetters(), UNTIL).toHaveLength(1)
      // What the telemetry's queue gauges read (docs/observability.md).
      expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, failed: 1 })
      const [letter] = await receiver.deadLetters()
      expect(letter).toEqual({
        id: 'evt_poison',
        type: 'customer.created',
        attempts: 3,
        error: 'card_declined: the downstream API refused it',
        failedAt: expect.any(Date),
      })
      expect(logger.errors.map(([message]) => message)).toContainEqual(
        expect.stringContaining('customer.created evt_poison is a dead letter after 3 attempt(s)'),
      )
      expect(completed).toEqual([])

      fixed = true
      await receiver.replay('evt_poison')
      await expect.poll(() => completed, UNTIL).toEqual(['evt_poison'])
      await expect.poll(() => receiver.deadLetters(), UNTIL).toEqual([])
    })

    it("queues a tenant's event under its scope, with its tenant; replay(id, { tenant }) runs it again", async () => {
      const { receiver } = queueMode(
        backend,
        stripe({ secret: (request) => ({ tenant: request.headers['x-tenant'] ?? '', secret: SECRET }) }),
        { attempts: 1 },
      )
      let fixed = false
      const completed: string[] = []
      receiver.on('customer.created', (event) => {
        if (!fixed) throw new Error('not yet')
        completed.push(`${event.tenant}/${event.id}`)
      })
      const delivery = customer('evt_tenant')
      const withTenant = (tenant: string) => ({
        ...delivery,
        headers: { ...delivery.headers, 'x-tenant': tenant },
      })
      // One event id, two tenants: two jobs.
      expect((await receiver.handle(toRequest(withTenant('acme')))).status).toBe(200)
      expect((await receiver.handle(toRequest(withTenant('globex')))).status).toBe(200)
      receiver.work()
      await expect.poll(() => receiver.deadLetters(), UNTIL).toHaveLength(2)
      expect((await receiver.deadLetters()).map((letter) => letter.tenant).sort()).toEqual(['acme', 'globex'])
      fixed = true
      await expect(receiver.replay('evt_tenant')).rejects.toThrow(/retains no job/)
      await receiver.replay('evt_tenant', { tenant: 'globex' })
      await expect.poll(() => completed, UNTIL).toEqual(['globex/evt_tenant'])
    })

    it('replays by id the dead letter of an event verified with secrets a resolver returned without a tenant', async () => {
      // Its job is queued under a hash of the secret set: replay(id) finds it among the dead letters.
      const { receiver } = queueMode(backend, stripe({ secret: () => SECRET }), { attempts: 1 })
      let fixed = false
      const completed: string[] = []
      receiver.on('customer.created', (event) => {
        if (!fixed) throw new Error('not yet')
        completed.push(event.id)
      })
      expect((await receiver.handle(toRequest(customer('evt_untenanted')))).status).toBe(200)
      receiver.work()
      await expect.poll(() => receiver.deadLetters(), UNTIL).toHaveLength(1)
      fixed = true
      await receiver.replay('evt_untenanted')
      await expect.poll(() => completed, UNTIL).toEqual(['evt_untenanted'])
      expect(await receiver.deadLetters()).toEqual([])
    })

    it('lists dead letters the most recent first, a page at a time', async () => {
      const { receiver } = queueMode(backend, stripe({ secret: SECRET }), { attempts: 1 })
      receiver.on('customer.created', (event) => {
        throw new Error(`refused ${event.id}`)
      })
      receiver.work()
      for (const id of ['evt_dead_1', 'evt_dead_2', 'evt_dead_3']) {
        expect((await receiver.handle(toRequest(customer(id)))).status).toBe(200)
        // One at a time, so their failures are ordered.
        await expect
          .poll(async () => (await receiver.deadLetters()).map((letter) => letter.id)[0], UNTIL)
          .toBe(id)
      }
      expect(
        (await receiver.deadLetters()).map((letter) => [letter.id, letter.attempts, letter.error]),
      ).toEqual([
        ['evt_dead_3', 1, 'refused evt_dead_3'],
        ['evt_dead_2', 1, 'refused evt_dead_2'],
        ['evt_dead_1', 1, 'refused evt_dead_1'],
      ])
      expect((await receiver.deadLetters({ offset: 1, limit: 1 })).map((letter) => letter.id)).toEqual([
        'evt_dead_2',
      ])
      expect(await receiver.deadLetters({ limit: 0 })).toEqual([])
      await expect(receiver.deadLetters({ offset: -1 })).rejects.toThrow(TypeError)
    })

    it('makes one job and one handler run of three copies of one delivery', async () => {
      const { receiver, queue } = queueMode(backend, stripe({ secret: SECRET }))
      const runs: string[] = []
      receiver.on('customer.created', (event) => {
        runs.push(event.id)
      })
      const delivery = customer('evt_copies')
      // The first copy holds the reservation while its job is stored: the others are told to come back.
      const answers = await Promise.all([1, 2, 3].map(() => receiver.handle(toRequest(delivery))))
      expect(answers.map((answer) => answer.status)).toEqual([200, 409, 409])
      expect(answers[0]?.body).toBe('{"received":true,"queued":true}')
      expect(await receiver.handle(toRequest(delivery))).toMatchObject({
        status: 200,
        body: '{"received":true,"duplicate":true}',
      })
      expect(await queue.queue.getJobCounts('waiting', 'active', 'completed')).toEqual({
        waiting: 1,
        active: 0,
        completed: 0,
      })
      receiver.work()
      await expect.poll(() => queue.queue.getCompletedCount(), UNTIL).toBe(1)
      expect(runs).toEqual(['evt_copies'])
    })

    it('makes one job of copies sent to three web processes that share no dedup store: the job id is the key', async () => {
      const shared = { name: `copies-${name}-${++namespaces}`, namespace: 'copies' }
      const webs = [1, 2, 3].map(() => queueMode(backend, stripe({ secret: SECRET }), shared))
      const delivery = customer('evt_everywhere')
      for (const { receiver } of webs)
        expect(await receiver.handle(toRequest(delivery))).toMatchObject({ status: 200 })
      const worker = webs[0]!
      const runs: string[] = []
      worker.receiver.on('customer.created', (event) => {
        runs.push(event.id)
      })
      expect(await worker.queue.queue.getJobCounts('waiting')).toEqual({ waiting: 1 })
      worker.receiver.work()
      await expect.poll(() => worker.queue.queue.getCompletedCount(), UNTIL).toBe(1)
      expect(runs).toEqual(['evt_everywhere'])
    })

    it(`answers 503 queue_unavailable with Retry-After while ${name} is down, logs it, and queues the retry once it is back`, async () => {
      const { receiver, queue, logger } = queueMode(backend, stripe({ secret: SECRET }), {
        storeTimeoutMs: 500,
      })
      const runs: string[] = []
      receiver.on('customer.created', (event) => {
        runs.push(event.id)
      })
      await queue.queue.waitUntilReady()
      const delivery = customer('evt_outage')
      await backend.stop()
      try {
        const refused = await receiver.handle(toRequest(delivery))
        expect(refused.status).toBe(503)
        expect(refused.headers['retry-after']).toMatch(/^\d+$/)
        expect(JSON.parse(refused.body)).toMatchObject({ code: 'queue_unavailable' })
        // A second failure during the same outage is counted, not logged again. (BullMQ's reconnect errors are
        // logged too, on their own line, also a few seconds apart.)
        expect((await receiver.handle(toRequest(customer('evt_outage_2')))).status).toBe(503)
        const enqueueFailures = logger.errors.filter(([message]) =>
          String(message).includes('enqueue failed'),
        )
        expect(enqueueFailures.map(([message]) => message)).toEqual([
          '[webhook-receiver] enqueue failed; answered 503',
        ])
      } finally {
        await backend.start()
      }
      // The reservation was released, so the sender's retry is queued (not a 409), once the backend answers.
      const accepted = await sendUntilAccepted(() => receiver.handle(toRequest(delivery)))
      expect(accepted).toMatchObject({ status: 200, body: '{"received":true,"queued":true}' })
      receiver.work()
      // An enqueue that timed out during the outage may land once the backend is back (the client had queued
      // the command): evt_outage_2 may run too, though its sender was told 503. Its retry then adds nothing.
      await expect.poll(() => runs.filter((id) => id === 'evt_outage'), UNTIL).toEqual(['evt_outage'])
      const jobs = await queue.queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'])
      expect(jobs.filter((job) => job.data.id === 'evt_outage')).toHaveLength(1)
    })

    it('closes a worker only once the job in progress has finished', async () => {
      const { receiver, queue, jobId } = queueMode(backend, stripe({ secret: SECRET }))
      const gate = deferred()
      let finished = false
      let started = false
      receiver.on('customer.created', async () => {
        started = true
        await gate.promise
        finished = true
      })
      const worker = receiver.work()
      expect((await receiver.handle(toRequest(customer('evt_drain')))).status).toBe(200)
      await expect.poll(() => started, UNTIL).toBe(true)
      const closed = worker.close().then(() => ({ finished }))
      gate.resolve()
      expect(await closed).toEqual({ finished: true })
      expect(await queue.queue.getJobState(jobId('evt_drain'))).toBe('completed')
    })

    it('replays a completed event whose job is retained, and rejects an id the queue holds no job for', async () => {
      const { receiver, queue } = queueMode(backend, stripe({ secret: SECRET }))
      const runs: string[] = []
      receiver.on('customer.created', (event) => {
        runs.push(event.id)
      })
      expect((await receiver.handle(toRequest(customer('evt_again')))).status).toBe(200)
      receiver.work()
      await expect.poll(() => runs, UNTIL).toEqual(['evt_again'])
      await expect.poll(() => queue.queue.getCompletedCount(), UNTIL).toBe(1)
      await receiver.replay('evt_again')
      await expect.poll(() => runs, UNTIL).toEqual(['evt_again', 'evt_again'])
      await expect(receiver.replay('evt_never_seen')).rejects.toThrow(/retains no job for this event/)
    })
  })
}

describe('queue mode: what each sender is answered, on BullMQ with Redis', () => {
  let backend: QueueBackend
  beforeAll(async () => {
    backend = await startQueueBackend('redis')
  }, 60_000)
  afterAll(() => backend?.close())

  it("answers Slack's url_verification with its challenge at once, without a job", async () => {
    const { receiver, queue } = queueMode(backend, slack({ signingSecret: SECRET }))
    const delivery = signSlack({
      payload: { type: 'url_verification', challenge: 'c-123', token: 't' },
      signingSecret: SECRET,
    })
    expect(await receiver.handle(toRequest(delivery, '/slack'))).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'c-123',
    })
    expect(await queue.queue.count()).toBe(0)
  })

  it("sends Slack's empty reply once the job is stored; a handler's reply is ignored, with one warning", async () => {
    const { receiver, logger } = queueMode(backend, slack({ signingSecret: SECRET }))
    const mentions: string[] = []
    receiver.on('app_mention', (event) => {
      mentions.push(event.payload.event_id)
      return `Got it, <@${event.payload.event.user}>`
    })
    for (const id of ['Ev1', 'Ev2']) {
      const delivery = signSlack({
        payload: {
          type: 'event_callback',
          team_id: 'T1',
          api_app_id: 'A1',
          event_id: id,
          event_time: 1,
          event: { type: 'app_mention', user: 'U1', text: 'hi', ts: '1.2', channel: 'C1', event_ts: '1.2' },
        },
        signingSecret: SECRET,
      })
      expect(await receiver.handle(toRequest(delivery, '/slack'))).toEqual({
        status: 200,
        headers: {},
        body: '',
      })
    }
    receiver.work()
    await expect.poll(() => mentions.sort(), UNTIL).toEqual(['Ev1', 'Ev2'])
    expect(logger.warnings.map(([message]) => message)).toEqual([
      expect.stringContaining('a slack handler returned a reply in queue mode; it is ignored'),
    ])
  })

  it('sends Twilio its empty TwiML once the job is stored, and the worker runs the handler', async () => {
    const url = 'https://example.com/sms'
    const { receiver } = queueMode(backend, twilio({ authToken: SECRET, url }))
    const bodies: string[] = []
    receiver.on('message.received', (event) => {
      bodies.push(String(event.payload.Body))
    })
    const delivery = signTwilio({
      url,
      params: { MessageSid: 'SM1', From: '+15551234567', Body: 'hi' },
      authToken: SECRET,
    })
    expect(await receiver.handle(toRequest(delivery, '/sms'))).toEqual({
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
    })
    receiver.work()
    await expect.poll(() => bodies, UNTIL).toEqual(['hi'])
  })

  it('queues each event of a SendGrid batch as its own job', async () => {
    const keys = generateSendGridKeyPair()
    const { receiver, queue } = queueMode(backend, sendgrid({ publicKey: keys.publicKey }))
    const seen: string[] = []
    receiver.onAny((event) => {
      seen.push(`${event.type} ${event.id}`)
    })
    const item = (id: string, event: string) => ({
      email: 'a@example.com',
      event,
      sg_event_id: id,
      timestamp: 1,
    })
    const delivery = signSendGrid({
      payload: [item('sg1', 'delivered'), item('sg2', 'open')],
      privateKey: keys.privateKey,
    })
    expect(await receiver.handle(toRequest(delivery, '/sendgrid'))).toMatchObject({
      status: 200,
      body: '{"received":true,"queued":true}',
    })
    expect(await queue.queue.getWaitingCount()).toBe(2)
    receiver.work()
    await expect.poll(() => seen.sort(), UNTIL).toEqual(['delivered sg1', 'open sg2'])
  })

  it('works with an existing BullMQ Queue: its connection and prefix serve the worker too', async () => {
    const existing = new Queue(`existing-${++namespaces}`, {
      ...(backend.options() as { connection: { host: string; port: number } }),
      prefix: 'mine',
    })
    try {
      const logger = silentLogger()
      const queue = bullmqQueue(existing)
      const receiver = createReceiver({ provider: stripe({ secret: SECRET }), queue, logger })
      const runs: string[] = []
      receiver.on('customer.created', (event) => {
        runs.push(event.id)
      })
      expect((await receiver.handle(toRequest(customer('evt_existing')))).status).toBe(200)
      expect(await existing.getWaitingCount()).toBe(1)
      receiver.work()
      await expect.poll(() => runs, UNTIL).toEqual(['evt_existing'])
      await queue.close()
      // The queue passed in is its owner's to close.
      expect(await existing.getCompletedCount()).toBe(1)
    } finally {
      await existing.close()
    }
  })

  it('refuses one queue for two receivers', () => {
    const queue = bullmqQueue({ ...backend.options() })
    opened.push(queue)
    createReceiver({ provider: stripe({ secret: SECRET }), queue })
    expect(() => createReceiver({ provider: github({ secret: SECRET }), queue })).toThrow(
      /already serves a receiver/,
    )
  })
})

describe('queue operations without a queue', () => {
  const receiver = createReceiver({ provider: stripe({ secret: SECRET }), store: memoryStore() })

  it('throws from work() and rejects deadLetters() and replay(), naming the option', async () => {
    expect(() => receiver.work()).toThrow(/receiver\.work\(\) needs a queue/)
    await expect(receiver.deadLetters()).rejects.toThrow(/receiver\.deadLetters\(\) needs a queue/)
    await expect(receiver.replay('evt_1')).rejects.toThrow(/receiver\.replay\(\) needs a queue/)
  })
})

describe('jobIdFor', () => {
  it('has no ":" and is never an integer, as BullMQ requires of a custom id', () => {
    for (const key of ['webhook:stripe:evt_1', 'a:b:123', '1:2:3', 'ns:hmac:%3A']) {
      const id = jobIdFor(key)
      expect(id).not.toContain(':')
      expect(`${Number.parseInt(id, 10)}`).not.toBe(id)
    }
  })

  it('gives two keys two ids, also when one spells the other encoded', () => {
    const keys = ['w:p:a:b', 'w:p:a%3Ab', 'w:p:a b', 'w:p:a+b', 'w:p:é', 'w:p:%C3%A9']
    expect(new Set(keys.map(jobIdFor)).size).toBe(keys.length)
  })

  it('accepts an id with a lone surrogate (from a signed but odd JSON payload)', () => {
    expect(jobIdFor('w:p:\ud800x')).toBe('w%3Ap%3A%EF%BF%BDx')
  })
})
