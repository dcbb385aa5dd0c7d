/**
 * A real server for BullMQ to run on, Redis or PostgreSQL, on 127.0.0.1, and the `bullmqQueue` options that reach
 * it: the same tests run against both of BullMQ's backends.
 */
import { createPostgresBackend } from 'bullmq'
import type { BullmqQueueOptions } from '../../src/queues/bullmq.js'
import { startPostgres } from './postgres-server.js'
import { startRedis } from './redis-server.js'

export type QueueBackendName = 'redis' | 'postgres'
export const QUEUE_BACKENDS: readonly QueueBackendName[] = ['redis', 'postgres']

export interface QueueBackend {
  name: QueueBackendName
  /** `connection` (and `backend`) for `bullmqQueue`, as a process given only `url` would build them. */
  options(): Pick<BullmqQueueOptions<any>, 'connection' | 'backend'>
  /** The server's URL: `redis://…` or `postgres://…`. */
  url: string
  /** Stops the server (an outage). */
  stop(): Promise<void>
  /** Starts it again on the same port. Redis comes back empty; PostgreSQL keeps its data. */
  start(): Promise<void>
  close(): Promise<void>
}

export async function startQueueBackend(name: QueueBackendName): Promise<QueueBackend> {
  const server = name === 'redis' ? await startRedis() : await startPostgres()
  return {
    name,
    url: server.url,
    options: () => queueConnection(name, server.url),
    stop: () => server.stop(),
    start: () => server.start(),
    close: () => server.close(),
  }
}

/**
 * What a web or worker process passes to `bullmqQueue` for this backend and URL. PostgreSQL: BullMQ creates its
 * schema on first connection (`migrate: true`); Redis: connection options, so BullMQ opens (and closes) its own
 * clients, and its worker gets the `maxRetriesPerRequest: null` it requires.
 */
export function queueConnection(
  name: QueueBackendName,
  url: string,
): Pick<BullmqQueueOptions<any>, 'connection' | 'backend'> {
  if (name === 'postgres') {
    // A short connect timeout: an outage must fail the enqueue, not queue it behind a connect that never ends.
    return {
      backend: createPostgresBackend,
      connection: { connectionString: url, migrate: true, connectionTimeoutMillis: 1_000 },
    }
  }
  const { hostname, port } = new URL(url)
  return { connection: { host: hostname, port: Number(port) } }
}
