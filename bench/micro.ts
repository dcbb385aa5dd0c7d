/**
 * Micro benchmark, one process, one run: `receiver.handle` and `receiver.verify` for Stripe, GitHub and Standard
 * Webhooks beside the crypto floor and the official SDKs doing the same verification, at 1 KiB, 16 KiB and 256 KiB.
 * Prints ns/op and ratios, and writes bench/results/micro.json. Not a test: nothing here fails a build.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { Webhooks } from '@octokit/webhooks'
import { do_not_optimize, measure } from 'mitata'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { Webhook as SvixWebhook } from 'svix'
import { createReceiver, memoryStore, type Receiver } from '../src/index.js'
import { github } from '../src/providers/github.js'
import { standardWebhooks } from '../src/providers/standard-webhooks.js'
import { stripe } from '../src/providers/stripe.js'
import { signGitHub, signStandardWebhooks, signStripe, type SignedDelivery } from '../src/testing/index.js'

const SIZES = [1024, 16 * 1024, 256 * 1024]
const STRIPE_SECRET = 'whsec_bench_secret'
const GITHUB_SECRET = 'bench secret'
const SW_SECRET = `whsec_${Buffer.from('bench secret bytes 0123456789abcdef').toString('base64')}`
const NOW = 1_700_000_000
/** Distinct pre-signed deliveries cycled through by `handle`, so every call takes the full (non-duplicate) path. */
const DISTINCT = 512

interface Row {
  provider: string
  size: number
  name: string
  nsPerOp: number
}
const rows: Row[] = []

/** A JSON payload of about `size` bytes. */
function payload(size: number, id: string, extra: Record<string, unknown>): Record<string, unknown> {
  const base = { id, ...extra, data: { object: { id: 'obj_1', amount: 4200, filler: '' } } }
  const overhead = JSON.stringify(base).length
  ;(base.data.object as { filler: string }).filler = 'x'.repeat(Math.max(0, size - overhead))
  return base
}

async function time(provider: string, size: number, name: string, fn: () => unknown): Promise<number> {
  const stats = await measure(fn, { min_cpu_time: 400 * 1e6 })
  rows.push({ provider, size, name, nsPerOp: stats.avg })
  return stats.avg
}

function handleOnce(receiver: Receiver<any>, deliveries: SignedDelivery[]): () => Promise<unknown> {
  let next = 0
  return () => {
    const delivery = deliveries[next++ % deliveries.length] as SignedDelivery
    return receiver.handle({
      method: 'POST',
      url: '/hook',
      headers: delivery.headers,
      body: Buffer.from(delivery.body),
    })
  }
}

function receiverFor(provider: any): Receiver<any> {
  // dedupTtlMs 1 ms: a delivery seen DISTINCT calls ago has expired, so each call reserves, runs and completes.
  const receiver = createReceiver({ provider, now: () => NOW * 1000, store: memoryStore(), dedupTtlMs: 1 })
  receiver.onAny(() => undefined)
  return receiver
}

const stripeSdk = new Stripe('sk_test_bench')
for (const size of SIZES) {
  // Stripe
  {
    const deliveries = Array.from({ length: DISTINCT }, (_, i) =>
      signStripe({
        payload: payload(size, `evt_${i}`, { type: 'payment_intent.succeeded' }),
        secret: STRIPE_SECRET,
        timestamp: NOW,
      }),
    )
    const one = deliveries[0] as SignedDelivery
    const bytes = Buffer.from(one.body)
    const header = one.headers['stripe-signature'] as string
    const expected = Buffer.from(header.split('v1=')[1] as string, 'hex')
    const receiver = receiverFor(stripe({ secret: STRIPE_SECRET }))
    const buffers = deliveries.map((d) => ({ ...d, bytes: Buffer.from(d.body) }))
    await time('stripe', size, 'floor', () => {
      const mac = createHmac('sha256', STRIPE_SECRET).update(`${NOW}.`).update(bytes).digest()
      do_not_optimize(timingSafeEqual(mac, expected) && JSON.parse(bytes.toString('utf8')))
    })
    await time('stripe', size, 'receiver.verify', () =>
      receiver.verify({ method: 'POST', url: '/hook', headers: one.headers, body: bytes }),
    )
    await time(
      'stripe',
      size,
      'receiver.handle',
      handleOnce(
        receiver,
        buffers.map((d) => ({ ...d, body: d.bytes as never })),
      ),
    )
    await time('stripe', size, 'stripe.webhooks.constructEvent', () =>
      do_not_optimize(stripeSdk.webhooks.constructEvent(bytes, header, STRIPE_SECRET, 10 ** 10)),
    )
  }
  // GitHub
  {
    const deliveries = Array.from({ length: DISTINCT }, (_, i) =>
      signGitHub({
        event: 'issues',
        payload: payload(size, `i_${i}`, { action: 'opened' }),
        secret: GITHUB_SECRET,
        deliveryId: `d-${i}`,
      }),
    )
    const one = deliveries[0] as SignedDelivery
    const bytes = Buffer.from(one.body)
    const signature = one.headers['x-hub-signature-256'] as string
    const expected = Buffer.from(signature.slice(7), 'hex')
    const receiver = receiverFor(github({ secret: GITHUB_SECRET }))
    const octokit = new Webhooks({ secret: GITHUB_SECRET })
    octokit.onAny(() => undefined)
    await time('github', size, 'floor', () => {
      const mac = createHmac('sha256', GITHUB_SECRET).update(bytes).digest()
      do_not_optimize(timingSafeEqual(mac, expected) && JSON.parse(bytes.toString('utf8')))
    })
    await time('github', size, 'receiver.verify', () =>
      receiver.verify({ method: 'POST', url: '/hook', headers: one.headers, body: bytes }),
    )
    await time(
      'github',
      size,
      'receiver.handle',
      handleOnce(
        receiver,
        deliveries.map((d) => ({ ...d, body: Buffer.from(d.body) as never })),
      ),
    )
    await time('github', size, '@octokit/webhooks verifyAndReceive', () =>
      octokit.verifyAndReceive({ id: 'd-0', name: 'issues', payload: one.body, signature }),
    )
  }
  // Standard Webhooks
  {
    const deliveries = Array.from({ length: DISTINCT }, (_, i) =>
      signStandardWebhooks({
        payload: payload(size, `m_${i}`, { type: 'user.created' }),
        secret: SW_SECRET,
        id: `msg_${i}`,
        timestamp: NOW,
      }),
    )
    const one = deliveries[0] as SignedDelivery
    const bytes = Buffer.from(one.body)
    const key = Buffer.from(SW_SECRET.slice(6), 'base64')
    const expected = Buffer.from((one.headers['webhook-signature'] as string).slice(3), 'base64')
    const receiver = receiverFor(standardWebhooks({ secret: SW_SECRET }))
    const standard = new StandardWebhook(SW_SECRET)
    const svix = new SvixWebhook(SW_SECRET)
    const svixHeaders = {
      'svix-id': one.headers['webhook-id'],
      'svix-timestamp': one.headers['webhook-timestamp'],
      'svix-signature': one.headers['webhook-signature'],
    }
    await time('standard-webhooks', size, 'floor', () => {
      const mac = createHmac('sha256', key).update(`msg_0.${NOW}.`).update(bytes).digest()
      do_not_optimize(timingSafeEqual(mac, expected) && JSON.parse(bytes.toString('utf8')))
    })
    await time('standard-webhooks', size, 'receiver.verify', () =>
      receiver.verify({ method: 'POST', url: '/hook', headers: one.headers, body: bytes }),
    )
    await time(
      'standard-webhooks',
      size,
      'receiver.handle',
      handleOnce(
        receiver,
        deliveries.map((d) => ({ ...d, body: Buffer.from(d.body) as never })),
      ),
    )
    // Both SDKs check the timestamp against the real clock: sign "now" for them.
    const fresh = signStandardWebhooks({
      payload: payload(size, 'm_now', { type: 'user.created' }),
      secret: SW_SECRET,
      id: 'msg_now',
    })
    const freshSvix = {
      'svix-id': fresh.headers['webhook-id'],
      'svix-timestamp': fresh.headers['webhook-timestamp'],
      'svix-signature': fresh.headers['webhook-signature'],
    }
    await time('standard-webhooks', size, 'standardwebhooks Webhook.verify', () =>
      do_not_optimize(standard.verify(fresh.body, fresh.headers)),
    )
    await time('standard-webhooks', size, 'svix Webhook.verify', () =>
      do_not_optimize(svix.verify(fresh.body, freshSvix as Record<string, string>)),
    )
    void svixHeaders
  }
}

// Report: ratio to the floor, and the targets of the performance issue.
const floorOf = (provider: string, size: number) =>
  rows.find((r) => r.provider === provider && r.size === size && r.name === 'floor')!.nsPerOp
const report = rows.map((row) => ({ ...row, ratioToFloor: row.nsPerOp / floorOf(row.provider, row.size) }))
const kib = (size: number) => `${size / 1024} KiB`
console.log(`\nmicro benchmark: Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`)
console.log(['provider', 'size', 'what', 'ns/op', '÷ floor'].join('\t'))
for (const row of report) {
  console.log(
    [row.provider, kib(row.size), row.name, row.nsPerOp.toFixed(0), row.ratioToFloor.toFixed(2)].join('\t'),
  )
}
const targets = report
  .filter((row) => row.name === 'receiver.handle' || row.name === 'receiver.verify')
  .map((row) => {
    const limit = row.name === 'receiver.handle' ? 1.1 : 1.05
    return { ...row, limit, holds: row.ratioToFloor <= limit }
  })
console.log('\ntargets (handle ≤ 1.10× floor, verify ≤ 1.05× floor):')
for (const t of targets)
  console.log(
    `${t.holds ? 'holds ' : 'MISSED'}\t${t.provider}\t${kib(t.size)}\t${t.name}\t${t.ratioToFloor.toFixed(2)}×`,
  )
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL('./results/micro.json', import.meta.url),
  `${JSON.stringify({ node: process.version, date: new Date().toISOString(), rows: report, targets }, null, 2)}\n`,
)
