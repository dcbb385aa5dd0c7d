/**
 * The signed deliveries every benchmark sends: one secret per provider, JSON bodies padded to an exact size, and
 * pools of deliveries with distinct ids, so that dedup never short-cuts the path being measured.
 */
import { signGitHub, signStandardWebhooks, signStripe } from 'webhook-receiver/testing'

export const STRIPE_SECRET = 'whsec_bench_secret'
export const GITHUB_SECRET = 'bench secret'
export const STANDARD_SECRET = `whsec_${Buffer.from('bench secret bytes 0123456789abcdef').toString('base64')}`

export type ProviderName = 'stripe' | 'github' | 'standard-webhooks'
export const PROVIDERS: readonly ProviderName[] = ['stripe', 'github', 'standard-webhooks']

/** A delivery as a server reads it: headers, and the body as bytes. */
export interface Delivery {
  headers: Record<string, string>
  body: Buffer
}

/** A JSON event of exactly `size` bytes, shaped like the provider's own. */
export function payload(provider: ProviderName, size: number, id: string): Record<string, unknown> {
  const base: Record<string, unknown> =
    provider === 'stripe'
      ? { id, object: 'event', type: 'payment_intent.succeeded' }
      : provider === 'github'
        ? { action: 'opened' }
        : { type: 'user.created', timestamp: '2026-01-01T00:00:00Z' }
  const object = { id: `obj_${id}`, amount: 4200, currency: 'eur', filler: '' }
  base.data = { object }
  object.filler = 'x'.repeat(Math.max(0, size - JSON.stringify(base).length))
  return base
}

/**
 * One signed delivery. `id` is the dedup id (Stripe's event id, GitHub's delivery id, the webhook-id);
 * `timestamp` is the signing time in seconds (Stripe and Standard Webhooks sign it).
 */
export function signDelivery(provider: ProviderName, size: number, id: string, timestamp: number): Delivery {
  const signed =
    provider === 'stripe'
      ? signStripe({ payload: payload(provider, size, id), secret: STRIPE_SECRET, timestamp })
      : provider === 'github'
        ? signGitHub({
            event: 'issues',
            payload: payload(provider, size, id),
            secret: GITHUB_SECRET,
            deliveryId: id,
          })
        : signStandardWebhooks({
            payload: payload(provider, size, id),
            secret: STANDARD_SECRET,
            id,
            timestamp,
          })
  return { headers: signed.headers, body: Buffer.from(signed.body) }
}

/** `count` deliveries with distinct ids (`<prefix><n>`), all signed at `timestamp`. */
export function deliveryPool(
  provider: ProviderName,
  size: number,
  count: number,
  prefix: string,
  timestamp: number,
): Delivery[] {
  return Array.from({ length: count }, (_, n) => signDelivery(provider, size, `${prefix}${n}`, timestamp))
}

/** The same delivery with a signature of the right form that the secret never made (one character changed). */
export function forged(delivery: Delivery, provider: ProviderName): Delivery {
  const header =
    provider === 'stripe'
      ? 'stripe-signature'
      : provider === 'github'
        ? 'x-hub-signature-256'
        : 'webhook-signature'
  const value = delivery.headers[header] as string
  // The 10th character from the end is a hex or base64 digit in every scheme; replacing it keeps the form valid.
  const at = value.length - 10
  const swapped = value[at] === 'a' ? 'b' : 'a'
  return {
    ...delivery,
    headers: { ...delivery.headers, [header]: value.slice(0, at) + swapped + value.slice(at + 1) },
  }
}

/** The same delivery without its signature header: what an unsigned flood sends. */
export function unsigned(delivery: Delivery, provider: ProviderName): Delivery {
  const headers = { ...delivery.headers }
  delete headers[
    provider === 'stripe'
      ? 'stripe-signature'
      : provider === 'github'
        ? 'x-hub-signature-256'
        : 'webhook-signature'
  ]
  return { ...delivery, headers }
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000)
