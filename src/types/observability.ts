/**
 * What observers of a receiver see (docs/observability.md): the outcome of each delivery, given to `onOutcome`
 * hooks, and the hook interface a telemetry implementation (`otelTelemetry()` from `webhook-receiver/opentelemetry`)
 * gives `createReceiver({ telemetry })`. Both are fed from the same observation points of the pipeline.
 */
import type { WebhookErrorCode } from '../errors.js'

/**
 * What dedup decided for an event: `new` (reserved: its handlers ran, or it was queued), `duplicate` (already
 * handled: not run again), `in_flight` (another copy holds it: 409), `skipped` (no reservation needed: no handler is
 * registered for its type, or the provider answered a protocol message itself), `unguarded` (the store failed and
 * `onStoreError: 'process'` ran it without dedup), `unavailable` (the store failed: 503).
 */
export type DedupOutcome = 'new' | 'duplicate' | 'in_flight' | 'skipped' | 'unguarded' | 'unavailable'

/**
 * How a delivery was answered, in one word: the refusal's problem `code` for any non-2xx answer, else `received`
 * (handled, or nothing to run), `duplicate` (every event already handled), `pending` (handlers still running at the
 * deadline: 202) or `queued` (stored as a job in queue mode).
 */
export type OutcomeCode = WebhookErrorCode | 'received' | 'duplicate' | 'pending' | 'queued'

/** One event of a delivery that carried several (a SendGrid batch), in `DeliveryOutcome.items`. */
export interface ItemOutcome {
  id: string
  type: string
  /** Undefined when the delivery was refused before this item reached dedup. */
  dedup: DedupOutcome | undefined
}

/**
 * One delivery, once it is answered: what `receiver.onOutcome` hooks receive. It holds no header, body, payload,
 * secret or signature, so it can be logged as it is.
 */
export interface DeliveryOutcome {
  /** The provider's name, e.g. `stripe`. */
  provider: string
  /** The status the sender was answered with. */
  status: number
  /** The refusal's problem `code`, or `received` / `duplicate` / `pending` / `queued` for a 2xx (see `OutcomeCode`). */
  code: OutcomeCode
  /** The event's id, when the delivery carried exactly one verified event. */
  id: string | undefined
  /** The event's type, likewise. */
  type: string | undefined
  /** The sender's attempt number, when it sends one (Shopify, Standard Webhooks, Slack…), likewise. */
  attempt: number | undefined
  /** The tenant a secret resolver named for the delivery (`{ tenant, secret }`), once verified. */
  tenant: string | undefined
  /** What dedup decided for the event; undefined when refused before dedup, or for a batch (see `items`). */
  dedup: DedupOutcome | undefined
  /** Events the delivery carried once verified and parsed; 0 when refused before. */
  events: number
  /** For a delivery of several events, each one's id, type and dedup outcome. */
  items?: readonly ItemOutcome[]
  /** Milliseconds, from `receiver.handle` being called. */
  durations: {
    /**
     * Verifying and parsing: the signature, the signed timestamp, the body's events. Undefined when the delivery
     * was refused before (404, 405, 413, `raw_body_unavailable`).
     */
    verifyMs: number | undefined
    /**
     * The handlers, from the first start to the last end, when they ran and ended before the answer; undefined when
     * none ran, in queue mode, and when they were still running at the deadline.
     */
    handlersMs: number | undefined
    /** The whole delivery, up to its answer. */
    totalMs: number
  }
}

/** Receives each delivery's outcome once it is answered. What it returns is ignored; a throw is logged once. */
export type OutcomeHook = (outcome: DeliveryOutcome) => unknown

/** What the receiver tells its telemetry when a delivery starts. */
export interface DeliveryStart {
  provider: string
  /** The request method, upper-cased. */
  method: string
  /** The body's size in bytes, when it is known before verification (bytes, not a string). */
  bodySize: number | undefined
}

/** A delivery as telemetry follows it (a span, for OpenTelemetry). */
export interface DeliveryTelemetry {
  /** Runs the rest of the delivery, e.g. inside the span's trace context, and returns what `work` returns. */
  run<T>(work: () => T): T
  /** The delivery was answered. Called once. */
  end(outcome: DeliveryOutcome, bodySize: number | undefined): void
}

/** What the receiver tells its telemetry when an event's handlers start, inline or in a queue worker. */
export interface HandlersStart {
  provider: string
  id: string
  type: string
  /** The handlers registered for the event. */
  handlers: number
  /** The sender's attempt number, when it sends one. */
  attempt: number | undefined
  /** The tenant a secret resolver named for the delivery, if any. */
  tenant: string | undefined
  /** Queue mode: the job's run, from 1; undefined inline. */
  jobAttempt: number | undefined
  /** The delivery whose handlers these are; undefined in a queue worker. */
  delivery: DeliveryTelemetry | undefined
}

/** An event's handler run as telemetry follows it. */
export interface HandlersTelemetry {
  /** Runs the handlers, e.g. inside the span's trace context, and returns what `work` returns. */
  run<T>(work: () => T): T
  /** The handlers ended: `error` is their failure, undefined on success. Called once. */
  end(error: unknown, durationMs: number): void
}

/** A queue's job counts, for the queue gauges. */
export interface QueueCounts {
  waiting: number
  delayed: number
  active: number
  /** Dead letters. */
  failed: number
}

/** What a receiver tells its telemetry about itself, once. */
export interface TelemetryTarget {
  provider: string
  /** Queue mode, with a queue that can count its jobs: reads the counts (for gauges). */
  queueCounts: (() => Promise<QueueCounts>) | undefined
}

/**
 * The hook interface between a receiver and its telemetry: `otelTelemetry()` from `webhook-receiver/opentelemetry`
 * implements it. The receiver calls it only when one is configured, so without one nothing is done per delivery.
 */
export interface ReceiverTelemetry {
  /** Called once by `createReceiver`. */
  attach(target: TelemetryTarget): void
  /** A delivery starts (`receiver.handle`). */
  startDelivery(start: DeliveryStart): DeliveryTelemetry
  /** An event's handlers start. */
  startHandlers(start: HandlersStart): HandlersTelemetry
  /** Queue mode: an event's last attempt failed; it is a dead letter. */
  deadLettered(provider: string, type: string): void
}
