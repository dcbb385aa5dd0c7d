/** What handler users see: the request an adapter builds, the answer it writes back, and the event handlers get. */

/** Headers as a framework hands them over: a Node-style record (any case) or a Web `Headers` object. */
export type HeaderInput = Headers | Readonly<Record<string, string | readonly string[] | undefined>>

/** The framework-neutral request every adapter builds; `body` must be the raw bytes as received. */
export interface WebhookRequest {
  method: string
  /** Path and query (or the full URL); used by providers that sign the URL. */
  url: string
  headers: HeaderInput
  /** The raw body: bytes exactly as sent. A string is treated as its UTF-8 bytes. */
  body: Uint8Array | string
}

/** Per-request options of `receiver.handle`, set by adapters for their platform. */
export interface HandleOptions {
  /**
   * Keeps work that outlives the response alive on platforms that freeze or end the process once the response is
   * sent (Vercel, Cloudflare Workers, Next.js `after()`). Called, as a method of this object, when the deadline's 202
   * is sent, with the promise of each event's still-running handlers (a batch may call it more than once); the
   * promise never rejects (failures reach `onError`).
   */
  waitUntil?(work: Promise<unknown>): void
}

/** What the sender is answered with; adapters write it back unchanged. */
export interface WebhookResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** Maps each event type a provider sends to its payload type. */
export type EventMap = Record<string, unknown>

/** The envelope every handler receives, whatever the provider. */
export interface WebhookEvent<TType extends string = string, TPayload = unknown> {
  /** The provider's own event id (the dedup key), e.g. Stripe `evt_…`, GitHub's delivery GUID. */
  id: string
  /** The event type as the provider names it, e.g. `payment_intent.succeeded`, `issues.opened`. */
  type: TType
  payload: TPayload
  /** Provider name, e.g. `stripe`. */
  provider: string
  /** The signed timestamp in seconds since the epoch, when the provider signs one. */
  timestamp?: number
  /** Delivery attempt number, when the provider sends one. */
  attempt?: number
  /** Request headers, lower-cased. */
  headers: Readonly<Record<string, string>>
  /** The raw body, the same bytes the signature was checked on. */
  rawBody: Uint8Array
  /** The tenant the provider's secret resolver named for this delivery (`{ tenant, secret }`), if any. */
  tenant?: string
}

/**
 * What a handler returns is not sent, except a reply made for a sender that reads the answer: `slackReply(…)`
 * (`webhook-receiver/providers/slack`), `twimlReply(…)` (`webhook-receiver/providers/twilio`).
 */
export type Handler<TEvent extends WebhookEvent = WebhookEvent> = (event: TEvent) => unknown

/** Called once for every handler failure, including failures after a 202 was sent. */
export type ErrorHandler = (error: unknown, event: WebhookEvent | undefined) => unknown
