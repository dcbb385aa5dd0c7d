/**
 * The floor: the least work any receiver must do per delivery, whatever library it uses. Decode the request's
 * signature, HMAC-SHA256 over the raw bytes (`createHmac` with the secret), `timingSafeEqual`, one UTF-8 decode and
 * `JSON.parse`. What the floor leaves out is fixed per request and done beforehand: reading the signature and the
 * signed prefix (timestamp, id) out of the headers.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { do_not_optimize } from 'mitata'
import {
  GITHUB_SECRET,
  STANDARD_SECRET,
  STRIPE_SECRET,
  type Delivery,
  type ProviderName,
} from './deliveries.js'

const STANDARD_KEY = Buffer.from(STANDARD_SECRET.slice('whsec_'.length), 'base64')

/** The floor for one delivery, as a function to call once per measured delivery. */
export function floorFor(provider: ProviderName, delivery: Delivery): () => unknown {
  const { key, prefix, signature, encoding } = floorInput(provider, delivery)
  const bytes = delivery.body
  return () => {
    const mac = createHmac('sha256', key).update(prefix).update(bytes).digest()
    const valid = timingSafeEqual(mac, Buffer.from(signature, encoding))
    return do_not_optimize(valid && JSON.parse(bytes.toString('utf8')))
  }
}

function floorInput(provider: ProviderName, delivery: Delivery) {
  const { headers } = delivery
  if (provider === 'stripe') {
    const [t, v1] = (headers['stripe-signature'] as string).split(',') as [string, string]
    return { key: STRIPE_SECRET, prefix: `${t.slice(2)}.`, signature: v1.slice(3), encoding: 'hex' as const }
  }
  if (provider === 'github') {
    const signature = (headers['x-hub-signature-256'] as string).slice('sha256='.length)
    return { key: GITHUB_SECRET, prefix: '', signature, encoding: 'hex' as const }
  }
  return {
    key: STANDARD_KEY,
    prefix: `${headers['webhook-id']}.${headers['webhook-timestamp']}.`,
    signature: (headers['webhook-signature'] as string).slice('v1,'.length),
    encoding: 'base64' as const,
  }
}
