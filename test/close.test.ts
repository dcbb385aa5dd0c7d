/**
 * Shutting down in inline mode (`receiver.close()`): from that moment deliveries are answered 503 `shutting_down`
 * with Retry-After and run nothing, and the promise resolves once the handlers in flight have settled, or after
 * `timeoutMs`, logging the events left running. And what the sender is told at the deadline with
 * `onDeadline: 'retry'`: 503 `handler_pending`, the retry 409 while the handler runs, 200 once it succeeded.
 */
import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { nodeHandler } from '../src/adapters/node.js'
import { createReceiver, memoryStore, type DedupStore, type ReceiverOptions } from '../src/index.js'
import { stripe } from '../src/providers/stripe.js'
import { signStripe } from '../src/testing/index.js'
import { listening } from './adapters/contract.js'
import { deferred, silentLogger } from './support/helpers.js'

const SECRET = 'whsec_close'
const delivery = (id: string) => ({
  ...signStripe({ payload: { id, type: 'customer.created', data: {} }, secret: SECRET }),
  url: '/hook',
})
const make = (options: Partial<ReceiverOptions<ReturnType<typeof stripe>>> = {}) => {
  const logger = silentLogger()
  const receiver = createReceiver({ provider: stripe({ secret: SECRET }), logger, ...options })
  return { receiver, logger }
}
const code = (body: string) => (JSON.parse(body) as { code: string }).code

/** Resolves with whether `promise` has settled once everything already queued has run. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  await new Promise((resolve) => setImmediate(resolve))
  return settled
}

describe('receiver.close()', () => {
  it('waits for a running handler; a delivery during close gets 503 shutting_down and runs nothing', async () => {
    const { receiver } = make()
    const started = deferred()
    const finish = deferred()
    const ran: string[] = []
    receiver.onAny(async (event) => {
      ran.push(event.id)
      started.resolve()
      await finish.promise
    })
    const first = receiver.handle(delivery('evt_running'))
    await started.promise
    const closed = receiver.close()
    const during = await receiver.handle(delivery('evt_during_close'))
    expect(during.status).toBe(503)
    expect(code(during.body)).toBe('shutting_down')
    expect(during.headers['retry-after']).toMatch(/^[1-9]\d*$/)
    expect(await hasSettled(closed)).toBe(false)
    finish.resolve()
    expect((await first).status).toBe(200)
    await closed
    expect(ran).toEqual(['evt_running'])
  })

  it('waits for handlers still running after the deadline answered 202', async () => {
    const { receiver } = make({ deadlineMs: 20 })
    const finish = deferred()
    let finished = false
    receiver.onAny(async () => {
      await finish.promise
      finished = true
    })
    expect((await receiver.handle(delivery('evt_late'))).status).toBe(202)
    const closed = receiver.close()
    expect(await hasSettled(closed)).toBe(false)
    finish.resolve()
    await closed
    expect(finished).toBe(true)
  })

  it('resolves at once when nothing runs, and answers 503 from then on', async () => {
    const { receiver } = make()
    receiver.onAny(() => undefined)
    expect((await receiver.handle(delivery('evt_before'))).status).toBe(200)
    await receiver.close()
    const after = await receiver.handle(delivery('evt_after'))
    expect(after.status).toBe(503)
    expect(code(after.body)).toBe('shutting_down')
    // Not even a duplicate is looked up once closed: the app may be closing the store too.
    expect((await receiver.handle(delivery('evt_before'))).status).toBe(503)
  })

  it('resolves after timeoutMs with a handler that never settles, logging its event id', async () => {
    const { receiver, logger } = make()
    receiver.onAny(() => new Promise(() => undefined))
    const stuck = receiver.handle(delivery('evt_stuck'))
    await expect.poll(() => hasSettled(stuck)).toBe(false)
    await receiver.close({ timeoutMs: 50 })
    expect(logger.warnings).toHaveLength(1)
    expect(String(logger.warnings[0]![0])).toMatch(/1 handler\(s\) still running after 50 ms.*evt_stuck/)
    await expect(receiver.close({ timeoutMs: -1 })).rejects.toThrow(/timeoutMs/)
  })

  it('runs no handler for a delivery whose reservation was still being made, and gives the key back', async () => {
    const inner = memoryStore()
    const reserving = deferred()
    const answer = deferred()
    // An asynchronous store (Redis, PostgreSQL) that has not answered yet when close() is called.
    const store: DedupStore = {
      reserve: async (key, token, leaseMs) => {
        reserving.resolve()
        await answer.promise
        return inner.reserve(key, token, leaseMs)
      },
      complete: (key, token, ttlMs) => inner.complete(key, token, ttlMs),
      release: (key, token) => inner.release(key, token),
    }
    const { receiver } = make({ store })
    let runs = 0
    receiver.onAny(() => void runs++)
    const pending = receiver.handle(delivery('evt_pending'))
    await reserving.promise
    const closed = receiver.close()
    answer.resolve()
    const response = await pending
    expect(response.status).toBe(503)
    expect(code(response.body)).toBe('shutting_down')
    await closed
    expect(runs).toBe(0)
    // Released: another instance's retry takes the key at once.
    expect(inner.reserve('webhook:stripe:evt_pending', 'another instance', 1000)).toBe('reserved')
  })

  it('answers 503 over HTTP through an adapter while the server is shutting down', async () => {
    const { receiver } = make()
    const started = deferred()
    const finish = deferred()
    receiver.onAny(async () => {
      started.resolve()
      await finish.promise
    })
    const mounted = await listening(createServer(nodeHandler(receiver)))
    try {
      const post = (id: string) => {
        const { headers, body } = delivery(id)
        return fetch(mounted.url!, { method: 'POST', headers, body })
      }
      const first = post('evt_http_running')
      await started.promise
      const closed = receiver.close({ timeoutMs: 10_000 })
      const during = await post('evt_http_during')
      expect(during.status).toBe(503)
      expect(during.headers.get('retry-after')).not.toBeNull()
      expect(code(await during.text())).toBe('shutting_down')
      finish.resolve()
      expect((await first).status).toBe(200)
      await closed
    } finally {
      await mounted.close()
    }
  })
})

describe("onDeadline: 'retry'", () => {
  it('answers 503 handler_pending at the deadline; the retry gets 409 while the handler runs, 200 after', async () => {
    const { receiver } = make({ deadlineMs: 30, onDeadline: 'retry' })
    const finish = deferred()
    let runs = 0
    receiver.onAny(async () => {
      runs++
      await finish.promise
    })
    const first = await receiver.handle(delivery('evt_retry'))
    expect(first.status).toBe(503)
    expect(code(first.body)).toBe('handler_pending')
    expect(first.headers['retry-after']).toMatch(/^[1-9]\d*$/)
    const retry = await receiver.handle(delivery('evt_retry'))
    expect(retry.status).toBe(409)
    finish.resolve()
    await expect.poll(async () => (await receiver.handle(delivery('evt_retry'))).status).toBe(200)
    expect(runs).toBe(1)
  })

  it('runs the event again on the retry when the handler fails after the 503', async () => {
    const { receiver } = make({ deadlineMs: 30, onDeadline: 'retry' })
    const finish = deferred()
    const errors: unknown[] = []
    let runs = 0
    receiver.onAny(async () => {
      runs++
      if (runs === 1) {
        await finish.promise
        throw new Error('failed after the deadline')
      }
    })
    receiver.onError((error) => void errors.push(error))
    expect((await receiver.handle(delivery('evt_retry_fail'))).status).toBe(503)
    finish.resolve()
    await expect.poll(() => errors.length).toBe(1)
    expect((await receiver.handle(delivery('evt_retry_fail'))).status).toBe(200)
    expect(runs).toBe(2)
  })

  it("answers 202 when the store is down and onStoreError is 'process': without a lease a retry would run it twice", async () => {
    const down: DedupStore = {
      reserve: () => Promise.reject(new Error('down')),
      complete: () => undefined,
      release: () => undefined,
    }
    const { receiver } = make({ deadlineMs: 20, onDeadline: 'retry', store: down, onStoreError: 'process' })
    const finish = deferred()
    receiver.onAny(() => finish.promise)
    expect((await receiver.handle(delivery('evt_unguarded'))).status).toBe(202)
    finish.resolve()
  })

  it('is one of accept or retry', () => {
    expect(() => make({ onDeadline: 'later' as never })).toThrow(/onDeadline.*'accept' or 'retry'/)
  })
})
