/**
 * Compile-only tests of queue mode's types: what `bullmqQueue` accepts, and what the receiver's queue operations
 * return. Run by vitest's typecheck mode (and `tsc --noEmit`); nothing here executes.
 */
import { createPostgresBackend, Queue } from 'bullmq'
import { describe, expectTypeOf, it } from 'vitest'
import { createReceiver, type DeadLetter, type QueueWorker } from '../../src/index.js'
import { stripe } from '../../src/providers/stripe.js'
import { bullmqQueue } from '../../src/queues/bullmq.js'

describe('bullmqQueue', () => {
  it('takes Redis connection options, a backend with its own connection, or an existing Queue', () => {
    bullmqQueue({ connection: { host: '127.0.0.1', port: 6379 }, attempts: 8, backoff: 1_000 })
    bullmqQueue({
      backend: createPostgresBackend,
      connection: { connectionString: 'postgres://localhost/app', migrate: true },
      backoff: { type: 'exponential', delay: 500 },
    })
    bullmqQueue(new Queue('webhooks', { connection: {} }))
    bullmqQueue({ queue: new Queue('webhooks', { connection: {} }), attempts: 12 })
  })

  it('refuses options without a connection, and a connection its backend does not take', () => {
    // @ts-expect-error a connection (or an existing queue) is required
    bullmqQueue({ attempts: 8 })
    // @ts-expect-error createPostgresBackend takes a pg Pool, pool options or a connection string
    bullmqQueue({ backend: createPostgresBackend, connection: 5432 })
  })
})

describe('the receiver in queue mode', () => {
  const receiver = createReceiver({
    provider: stripe({ secret: 'whsec_x' }),
    queue: bullmqQueue({ connection: { host: '127.0.0.1', port: 6379 } }),
  })

  it('starts a worker that can be closed', () => {
    expectTypeOf(receiver.work({ concurrency: 10 })).toEqualTypeOf<QueueWorker>()
    expectTypeOf<QueueWorker['close']>().returns.toEqualTypeOf<Promise<void>>()
  })

  it('lists dead letters with their id, tenant, type, attempts, error and date, and replays by id', () => {
    expectTypeOf(receiver.deadLetters()).resolves.toEqualTypeOf<DeadLetter[]>()
    expectTypeOf<DeadLetter>().toEqualTypeOf<{
      id: string
      tenant?: string
      type: string
      attempts: number
      error: string
      failedAt: Date
    }>()
    expectTypeOf(receiver.replay).parameters.toEqualTypeOf<[id: string, options?: { tenant?: string }]>()
    expectTypeOf(receiver.replay('evt_1')).resolves.toBeVoid()
  })
})
