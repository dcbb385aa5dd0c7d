/**
 * `webhook-receiver dead-letters` and `replay <id>`: the receiver's own queue operations (src/dead-letters.ts,
 * docs/durable-processing.md), run against the app's BullMQ queue from a shell. bullmq is an optional peer of the
 * package: it is loaded only here, and its absence is a message saying how to install it.
 */
import { dedupKeyPrefix, defaultQueueName } from '../options.js'
import type { BullmqEventQueue, BullmqQueueOptions } from '../queues/bullmq.js'
import { withinTimeout } from '../timeout.js'
import { readArgs, wholeNumber } from './args.js'
import type { Output } from './output.js'
import { receiverNameOf, SENDERS } from './senders.js'
import { UsageError } from './usage-error.js'

const CONNECTION_HELP = `Where the queue is (the app's own settings):
  --redis <url>           redis://[user:password@]host:port[/db] (rediss:// for TLS)
  --postgres <url>        postgres://… for BullMQ's PostgreSQL backend
  --provider <name>       the receiver's provider (stripe, github, …): its queue is <namespace>-<provider>
  --namespace <name>      the receiver's namespace option (default webhook)
  --queue <name>          the queue's name, when the app set bullmqQueue({ name })
  --prefix <prefix>       the Redis key prefix, when the app set bullmqQueue({ prefix }) (default bull)
  --timeout <seconds>     give up when the server does not answer (default 10)`

export const DEAD_LETTERS_HELP = `Usage: webhook-receiver dead-letters (--redis <url> | --postgres <url>) --provider <name> [options]

Lists the events whose attempts are spent, the most recent first: id, type, tenant (when a secret resolver named
one), attempts, when, and the last error.

${CONNECTION_HELP}
  --limit <n>             at most n of them (default 50)
  --offset <n>            skip the first n
  --json                  one JSON object per line

Example:
  webhook-receiver dead-letters --redis redis://127.0.0.1:6379 --provider stripe
`

export const REPLAY_HELP = `Usage: webhook-receiver replay <id> (--redis <url> | --postgres <url>) --provider <name> [options]

Runs a dead-lettered event (or a completed one still retained) again, with all its attempts, on the app's workers,
as receiver.replay(id) does. The id is the event's, as dead-letters lists it.

${CONNECTION_HELP}
  --tenant <name>         the event's tenant, as dead-letters lists it (receivers with a secret resolver)

Example:
  webhook-receiver replay evt_1NG8Du2eZvKYlo2C --redis redis://127.0.0.1:6379 --provider stripe
`

const CONNECTION_OPTIONS = {
  redis: { type: 'string' },
  postgres: { type: 'string' },
  provider: { type: 'string' },
  namespace: { type: 'string' },
  queue: { type: 'string' },
  prefix: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

export async function deadLetters(args: string[], output: Output): Promise<number> {
  const { values, positionals } = readArgs('dead-letters', args, {
    ...CONNECTION_OPTIONS,
    limit: { type: 'string' },
    offset: { type: 'string' },
    json: { type: 'boolean' },
  })
  if (values.help) {
    output.out(DEAD_LETTERS_HELP)
    return 0
  }
  if (positionals.length > 0)
    throw new UsageError(`dead-letters takes no argument, got ${positionals.join(' ')}.`)
  const limit = wholeNumber(values.limit, '--limit', 1, 100_000) ?? 50
  const offset = wholeNumber(values.offset, '--offset', 0, Number.MAX_SAFE_INTEGER) ?? 0
  const target = await openQueue('dead-letters', values, output)
  try {
    const { listDeadLetters } = await import('../dead-letters.js')
    const letters = await target.within(listDeadLetters({ queue: target.queue }, { offset, limit }))
    if (values.json) {
      for (const letter of letters)
        output.out(JSON.stringify({ ...letter, failedAt: letter.failedAt.toISOString() }))
      return 0
    }
    output.out(
      `${target.description}: ${letters.length === 0 ? 'no dead letters' : `${letters.length} dead letter(s)`}${letters.length === limit ? ` (the first ${limit}; --offset ${offset + limit} for more)` : ''}`,
    )
    for (const letter of letters)
      output.out(
        `  ${letter.id}  ${letter.type}  ${letter.tenant === undefined ? '' : `tenant ${letter.tenant}  `}${letter.attempts} attempt(s)  ${letter.failedAt.toISOString()}  ${oneLine(letter.error)}`,
      )
    return 0
  } finally {
    await target.close()
  }
}

export async function replay(args: string[], output: Output): Promise<number> {
  const { values, positionals } = readArgs('replay', args, {
    ...CONNECTION_OPTIONS,
    tenant: { type: 'string' },
  })
  if (values.help) {
    output.out(REPLAY_HELP)
    return 0
  }
  if (positionals.length !== 1)
    throw new UsageError(
      'replay takes the event id, as `webhook-receiver dead-letters` lists it: replay <id> --redis … --provider ….',
    )
  const id = positionals[0]!
  const target = await openQueue('replay', values, output)
  try {
    const { replayEvent } = await import('../dead-letters.js')
    try {
      await target.within(
        replayEvent({ keyPrefix: target.keyPrefix }, { queue: target.queue }, id, values.tenant),
      )
    } catch (error) {
      if (error instanceof Error && error.message.includes('retains no job')) {
        output.err(
          `${target.description} holds no job for ${id}: check the id (as dead-letters lists it), --tenant, --provider and --namespace; completed jobs are kept 3 days by default.`,
        )
        return 1
      }
      throw error
    }
    output.out(`${id}: queued again on ${target.description}; the app's workers run it.`)
    return 0
  } finally {
    await target.close()
  }
}

type ConnectionValues = {
  redis?: string
  postgres?: string
  provider?: string
  namespace?: string
  queue?: string
  prefix?: string
  timeout?: string
}

interface OpenQueue {
  queue: BullmqEventQueue
  keyPrefix: string
  description: string
  /** The operation, or a clear failure once the timeout passed (a server that does not answer must not hang). */
  within<T>(operation: Promise<T>): Promise<T>
  close(): Promise<void>
}

async function openQueue(command: string, values: ConnectionValues, output: Output): Promise<OpenQueue> {
  if ((values.redis === undefined) === (values.postgres === undefined))
    throw new UsageError(
      `${command} needs the app's queue connection: --redis <url> or --postgres <url> (one of them).`,
    )
  if (values.provider === undefined)
    throw new UsageError(
      `${command} needs --provider <name>, the receiver's provider (${SENDERS.slice(0, 4)
        .map((sender) => sender.name)
        .join(', ')}, …): it names the queue and the event's key.`,
    )
  const known = SENDERS.find((sender) => sender.name === values.provider)
  const provider = known === undefined ? values.provider : receiverNameOf(known)
  const namespace = values.namespace ?? 'webhook'
  const timeoutMs = (wholeNumber(values.timeout, '--timeout', 1, 600) ?? 10) * 1000
  const serverUrl = (values.redis ?? values.postgres) as string
  let server: URL
  try {
    server = new URL(serverUrl)
  } catch {
    throw new UsageError(
      `--${values.redis !== undefined ? 'redis' : 'postgres'} must be a URL, e.g. redis://127.0.0.1:6379.`,
    )
  }
  if (server.password !== '') output.redact(decodeURIComponent(server.password))
  const { bullmqQueue, createPostgresBackend } = await loadBullmq(command)

  const connection: Pick<BullmqQueueOptions<any>, 'connection' | 'backend'> = values.redis !== undefined
    ? { connection: redisOptions(server, timeoutMs) }
    : {
        backend: createPostgresBackend,
        connection: { connectionString: serverUrl, connectionTimeoutMillis: timeoutMs },
      }
  const queue = bullmqQueue({ ...connection, name: values.queue, prefix: values.prefix })
  const name = values.queue ?? defaultQueueName(namespace, provider)
  let failure: unknown
  queue.adopt({ defaultName: name, reportError: (error) => (failure ??= error) })
  const where = `${server.protocol}//${server.host}`
  const description = `queue ${name} on ${where}`
  return {
    queue,
    keyPrefix: dedupKeyPrefix(namespace, provider),
    description,
    within: (operation) =>
      withinTimeout(operation, timeoutMs, () => {
        const cause = failure instanceof Error ? ` (${failure.message})` : ''
        return new ConnectionError(
          `${where} did not answer within ${timeoutMs / 1000} s${cause}. Is the server running, and is this the app's URL?`,
        )
      }),
    async close() {
      // A connection that never opened can hang close(); the process exits anyway once the command is done.
      await Promise.race([
        queue.close().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 1000).unref()),
      ])
    },
  }
}

/** A queue server that cannot be reached: exit 1, with the message alone. */
export class ConnectionError extends Error {
  override name = 'ConnectionError'
}

function redisOptions(url: URL, timeoutMs: number) {
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new UsageError(`--redis takes a redis:// or rediss:// URL, got ${url.protocol}.`)
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined
  if (db !== undefined && !Number.isInteger(db))
    throw new UsageError('--redis: the path is the database number, e.g. redis://host:6379/0.')
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    db,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    connectTimeout: timeoutMs,
  }
}

/** The BullMQ engine, imported only now: it is an optional peer, absent from apps that do not use queue mode. */
async function loadBullmq(command: string) {
  try {
    const [{ bullmqQueue }, { createPostgresBackend }] = await Promise.all([
      import('../queues/bullmq.js'),
      import('bullmq'),
    ])
    return { bullmqQueue, createPostgresBackend }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      throw new UsageError(
        `${command} reads the app's BullMQ queue, and bullmq is not installed here. Run it where the app's dependencies are (npx webhook-receiver ${command} … from the app's directory), or npm install bullmq.`,
      )
    throw error
  }
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').slice(0, 200)
