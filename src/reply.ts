/**
 * Replies to senders that read the answer (Slack, Twilio): a handler's return value is sent back only when it was
 * made for the reply by the provider's helper (`slackReply`, `twimlReply`); anything else a handler returns, such as
 * a database row, never leaves the process (docs/architecture.md, "Replies").
 */
import type { WebhookResponse } from './types/events.js'

/**
 * The mark of a reply. `Symbol.for`, not `Symbol()`: the package's entries are bundled apart (a provider's subpath
 * makes the reply, the core checks it), so they must share one symbol. A value parsed from JSON, or read from a
 * database, cannot carry it.
 */
const REPLY: unique symbol = Symbol.for('webhook-receiver.reply')

/** A value made for the reply to one provider's sender: returned from a handler, it is the answer. */
export interface Reply<TProvider extends string = string> {
  readonly [REPLY]: { readonly provider: TProvider; readonly response: WebhookResponse }
}

/** Marks `response` as the reply a handler of `provider` may return; for a provider's own reply helper. */
export function createReply<TProvider extends string>(
  provider: TProvider,
  response: WebhookResponse,
): Reply<TProvider> {
  return Object.freeze({ [REPLY]: Object.freeze({ provider, response }) })
}

/** The response a handler's return value carries when it is a reply made for `provider`, else undefined. */
export function replyFor(value: unknown, provider: string): WebhookResponse | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const reply = (value as Partial<Reply>)[REPLY]
  return reply?.provider === provider ? reply.response : undefined
}
