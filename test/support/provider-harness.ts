/**
 * A receiver for one provider's own tests (test/providers/<name>.test.ts): it records every event a handler saw
 * and posts signed deliveries to it, on a fixed clock.
 */
import { createReceiver, type Provider, type WebhookEvent, type WebhookResponse } from '../../src/index.js'
import type { SignedDelivery } from '../../src/testing/index.js'
import { silentLogger } from './helpers.js'

export function providerHarness(provider: Provider<any, any>, nowSeconds: number) {
  const receiver = createReceiver({ provider, now: () => nowSeconds * 1000, logger: silentLogger() })
  const seen: WebhookEvent[] = []
  receiver.onAny((event) => {
    seen.push(event)
  })
  const post = (
    delivery: Pick<SignedDelivery, 'headers' | 'body'> & { method?: string; url?: string },
  ): Promise<WebhookResponse> =>
    receiver.handle({
      method: delivery.method ?? 'POST',
      url: delivery.url ?? '/webhooks',
      headers: delivery.headers,
      body: delivery.body,
    })
  return { receiver, seen, post }
}

/** The RFC 9457 problem an error answer carries. */
export const problem = (response: WebhookResponse) =>
  JSON.parse(response.body) as { code: string; status: number; detail?: string }
