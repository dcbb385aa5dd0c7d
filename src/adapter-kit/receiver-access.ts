/**
 * What adapters may use of a receiver beyond its public `handle`. With the rest of src/adapter-kit/ (reading a Node
 * or Web body, writing a Node response, the whole Node flow) it is what every adapter shares; internal, not a
 * package entry point. docs/adding-an-adapter.md shows how an adapter puts them together.
 */
import type { WebhookError } from '../errors.js'
import type { HeaderInput, WebhookResponse } from '../types/events.js'

/**
 * The property under which a receiver keeps what only adapters use. A registered symbol, so that a receiver made by
 * one build of the package (ESM, CJS, edge) is still read by an adapter from another.
 */
const RECEIVER_ACCESS = Symbol.for('webhook-receiver.adapter')

/** What an adapter needs from a receiver besides its public `handle`. */
export interface ReceiverAccess {
  /** The largest body accepted, in bytes: adapters stop reading the stream past it. */
  readonly bodyLimit: number
  /**
   * Answers a refusal the adapter found before `handle` could run (the raw body was consumed by a body parser, or
   * is over the limit), with the same problem format and logging (misconfigurations are logged once per route,
   * named by `url`).
   */
  reject(error: WebhookError, url?: string): WebhookResponse
  /**
   * The answer to a request that is refused whatever its body (a URL without the path token, a method the provider
   * does not use, a POST without its signature header), or undefined when the body is worth reading. Adapters ask
   * before reading a byte of it, and on a refusal stop reading: they close the connection (Node) or cancel the
   * stream (Web), so a flood of large bodies costs no more than their headers.
   */
  refuseBeforeBody(method: string, url: string, headers: HeaderInput): WebhookResponse | undefined
}

/** Gives a receiver its adapter access, hidden from users: not enumerable, not writable, not in its type. */
export function attachReceiverAccess(receiver: object, access: ReceiverAccess): void {
  Object.defineProperty(receiver, RECEIVER_ACCESS, { value: access })
}

/**
 * The adapter access of `receiver`, for an adapter to read once, when it is created. A TypeError naming `adapter`
 * when `receiver` was not made by `createReceiver`.
 */
export function receiverAccess(receiver: unknown, adapter: string): ReceiverAccess {
  const access =
    typeof receiver === 'object' && receiver !== null
      ? (receiver as { [RECEIVER_ACCESS]?: ReceiverAccess })[RECEIVER_ACCESS]
      : undefined
  if (access === undefined) {
    throw new TypeError(
      `${adapter}(receiver): pass a receiver made by createReceiver() from "webhook-receiver".`,
    )
  }
  return access
}
