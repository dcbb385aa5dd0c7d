/**
 * The event as a queued job carries it, and back: the worker rebuilds the very envelope an inline handler gets
 * (docs/durable-processing.md, "What a job holds"). JSON only, so any job engine can store it.
 */
import { base64Decode, base64Encode } from '#crypto'
import type { QueuedEvent } from './types/queue.js'
import type { WebhookEvent } from './types/events.js'
import type { ParsedEvent } from './types/provider.js'

/**
 * The job of one verified event: its envelope, the raw body in base64, and the aliases its handlers match on.
 */
export function toQueuedEvent(event: WebhookEvent, aliases: readonly string[] | undefined): QueuedEvent {
  const queued: QueuedEvent = {
    id: event.id,
    type: event.type,
    payload: event.payload,
    provider: event.provider,
    headers: event.headers,
    rawBody: base64Encode(event.rawBody),
  }
  if (aliases !== undefined && aliases.length > 0) queued.aliases = aliases
  if (event.timestamp !== undefined) queued.timestamp = event.timestamp
  if (event.attempt !== undefined) queued.attempt = event.attempt
  if (event.tenant !== undefined) queued.tenant = event.tenant
  return queued
}

/**
 * The handler's envelope and the dispatcher's view of a queued event, as the web process built them.
 */
export function fromQueuedEvent(queued: QueuedEvent): { event: WebhookEvent; parsed: ParsedEvent } {
  const event: WebhookEvent = {
    id: queued.id,
    type: queued.type,
    payload: queued.payload,
    provider: queued.provider,
    headers: queued.headers,
    rawBody: base64Decode(queued.rawBody),
  }
  if (queued.timestamp !== undefined) event.timestamp = queued.timestamp
  if (queued.attempt !== undefined) event.attempt = queued.attempt
  if (queued.tenant !== undefined) event.tenant = queued.tenant
  const parsed: ParsedEvent = { id: queued.id, type: queued.type, payload: queued.payload }
  if (queued.aliases !== undefined) parsed.aliases = queued.aliases
  return { event, parsed }
}

// A lone surrogate has no UTF-8 form, so encodeURIComponent would throw on it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * The job id of a dedup key (`<namespace>:<provider>:<event id>`): the key URI-component encoded, so it has no
 * `:` (BullMQ refuses custom ids with one) and is never an integer (nor are those accepted), and two keys never
 * share an id. A retry of an event already queued therefore finds its job.
 */
export function jobIdFor(key: string): string {
  return encodeURIComponent(key.replace(LONE_SURROGATE, '\ufffd'))
}
