/**
 * The memory benchmark's child processes, started by bench/memory.ts with `--expose-gc` (parts 1 and 2 also with a
 * 64 MiB young generation). Each sends its results to the parent over IPC. Three parts:
 *
 * 1. Bytes allocated per delivery at 1 KiB, per provider: `receiver.verify` and `receiver.handle` beside the floor
 *    (bench/support/floor.ts). Method: collect garbage,
 *    read `heapUsed` (and `arrayBuffers`, where Buffers' memory lives), run N deliveries, read again. With no
 *    collection in between, the difference is everything allocated, garbage included. A PerformanceObserver
 *    watches for collections inside the window; when one happens the window is halved and measured again.
 *    (Node 20 has no allocation counter: `v8.getHeapStatistics()` gained `total_allocated_bytes` later.)
 * 2. The body is never copied, decoded for hashing, or parsed twice, for Stripe, GitHub and Standard Webhooks at
 *    256 KiB: the provider's verify and parse and the handler's `rawBody` get the very Uint8Array passed to
 *    `handle`; Buffer decodes and `JSON.parse` calls are counted; `arrayBuffers` must not grow by a body.
 * 3. (`flatness`, in a child with V8's default heap settings) RSS and heap after garbage collection every 100,000
 *    deliveries with distinct ids through the default memory store (10,000 events: 20,000 keys): flat once the bound is reached.
 */
import { createHmac } from 'node:crypto'
import { PerformanceObserver } from 'node:perf_hooks'
import { createReceiver, memoryStore, type Provider, type Receiver } from 'webhook-receiver'
import { github } from 'webhook-receiver/providers/github'
import { standardWebhooks } from 'webhook-receiver/providers/standard-webhooks'
import { stripe } from 'webhook-receiver/providers/stripe'
import {
  deliveryPool,
  GITHUB_SECRET,
  payload,
  PROVIDERS,
  STANDARD_SECRET,
  STRIPE_SECRET,
  type Delivery,
  type ProviderName,
} from './support/deliveries.js'
import { floorFor } from './support/floor.js'

const gc = globalThis.gc as () => void
if (typeof gc !== 'function') throw new Error('run with --expose-gc (npm run bench does)')
const DELIVERIES = Number(process.env.BENCH_MEMORY_DELIVERIES ?? 1_000_000)
const NOW = 1_700_000_000

const makeProvider: Record<ProviderName, () => Provider<any, any>> = {
  stripe: () => stripe({ secret: STRIPE_SECRET }),
  github: () => github({ secret: GITHUB_SECRET }),
  'standard-webhooks': () => standardWebhooks({ secret: STANDARD_SECRET }),
}

// Part 1 ------------------------------------------------------------------------------------------------------

let collections: { start: number; end: number }[] = []
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    collections.push({ start: entry.startTime, end: entry.startTime + entry.duration })
}).observe({ entryTypes: ['gc'] })

const tick = () => new Promise((resolve) => setImmediate(resolve))

export interface Allocation {
  heapBytes: number
  arrayBufferBytes: number
  deliveries: number
}

/** Bytes allocated per call of `fn` over `items`, in a window no collection interrupted. */
async function allocationPerCall<T>(items: readonly T[], fn: (item: T) => unknown): Promise<Allocation> {
  for (let count = items.length; count >= 100; count = Math.floor(count / 2)) {
    gc()
    gc()
    await tick()
    collections = []
    const start = performance.now()
    const before = process.memoryUsage()
    // Every call is awaited, the floor's too, as a server's request handler would: the same harness cost on both.
    for (let i = 0; i < count; i++) await fn(items[i] as T)
    const after = process.memoryUsage()
    const end = performance.now()
    await tick() // gc entries are delivered asynchronously
    if (collections.some((c) => c.end >= start && c.start <= end)) continue
    return {
      heapBytes: (after.heapUsed - before.heapUsed) / count,
      arrayBufferBytes: (after.arrayBuffers - before.arrayBuffers) / count,
      deliveries: count,
    }
  }
  throw new Error('a collection ran in every window: raise --min-semi-space-size')
}

export interface ProviderAllocation {
  provider: ProviderName
  floor: Allocation
  verify: Allocation
  handle: Allocation
  /** handle ÷ floor, heap bytes. */
  ratio: number
}

/** Bytes per delivery for one provider at 1 KiB: the floor, `receiver.verify` and `receiver.handle`. */
async function allocation(provider: ProviderName): Promise<ProviderAllocation> {
  const request = (delivery: Delivery) => ({
    method: 'POST',
    url: '/webhooks',
    headers: delivery.headers,
    body: delivery.body,
  })
  // Warm up the same code on another receiver whose keys expire at once: every call takes the full path.
  const warmReceiver = createReceiver({
    provider: makeProvider[provider](),
    now: () => NOW * 1000,
    dedupTtlMs: 1,
  })
  warmReceiver.onAny(() => undefined)
  const warm = deliveryPool(provider, 1024, 4000, 'warm-', NOW)
  const warmFloors = warm.map((delivery) => floorFor(provider, delivery))
  for (let round = 0; round < 5; round++) {
    for (const floor of warmFloors) floor()
    for (const delivery of warm) await warmReceiver.handle(request(delivery))
  }
  // Measured: a default memory store filled to its bound (10,000 events: 20,000 keys), so each delivery reserves a
  // new key and evicts the oldest, as in a long-running process; distinct ids; one no-op handler.
  const store = memoryStore()
  for (let i = 0; i < 20_000; i++) {
    store.reserve(`webhook:${provider}:filler-${i}`, 'token', 60_000)
    store.complete(`webhook:${provider}:filler-${i}`, 'token', 60_000)
  }
  const receiver = createReceiver({ provider: makeProvider[provider](), store, now: () => NOW * 1000 })
  receiver.onAny(() => undefined)
  const measured = deliveryPool(provider, 1024, 4000, 'measured-', NOW)
  const floor = await allocationPerCall(
    measured.map((delivery) => floorFor(provider, delivery)),
    (f) => f(),
  )
  const verify = await allocationPerCall(measured, (delivery) => receiver.verify(request(delivery)))
  const handle = await allocationPerCall(measured, (delivery) => receiver.handle(request(delivery)))
  return { provider, floor, verify, handle, ratio: handle.heapBytes / floor.heapBytes }
}

// Part 2 ------------------------------------------------------------------------------------------------------

export interface BodyCheck {
  provider: ProviderName
  size: number
  status: number
  /** verify, parse and the handler's rawBody all got the Uint8Array passed to handle. */
  sameBytes: boolean
  /** Decodes of (most of) the body to a string: 1 is the one JSON.parse needs. */
  decodes: number
  jsonParses: number
  /** Buffer memory allocated while handling one delivery; a copy of the body would add its size. */
  arrayBufferBytes: number
  holds: boolean
}

async function bodyCheck(provider: ProviderName, size: number): Promise<BodyCheck> {
  const inner = makeProvider[provider]()
  const seen: unknown[] = []
  const watched: Provider<any, any> = {
    ...inner,
    verify: (request) => (seen.push(request.body), inner.verify(request)),
    parse: (request) => (seen.push(request.body), inner.parse(request)),
  }
  const receiver = createReceiver({ provider: watched, store: memoryStore(), now: () => NOW * 1000 })
  receiver.onAny((event) => void seen.push(event.rawBody))
  const [delivery] = deliveryPool(provider, size, 1, `check-${size}-`, NOW) as [Delivery]
  const body = delivery.body

  let decodes = 0
  let jsonParses = 0
  const prototype = Buffer.prototype as unknown as Record<string, (...args: number[]) => string>
  const slices = ['utf8Slice', 'latin1Slice', 'asciiSlice', 'ucs2Slice', 'base64Slice', 'hexSlice']
  const originals = slices.map((name) => prototype[name] as (...args: number[]) => string)
  slices.forEach((name, i) => {
    const original = originals[i] as (...args: number[]) => string
    prototype[name] = function (this: Buffer, start = 0, end = this.length) {
      if (end - start >= size / 2) decodes++
      return original.call(this, start, end)
    }
  })
  const decode = TextDecoder.prototype.decode
  TextDecoder.prototype.decode = function (input, options) {
    if (input !== undefined && input.byteLength >= size / 2) decodes++
    return decode.call(this, input, options)
  }
  const parse = JSON.parse
  JSON.parse = (text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
    jsonParses++
    return parse(text, reviver)
  }
  let response
  let arrayBufferBytes
  try {
    gc()
    const before = process.memoryUsage().arrayBuffers
    response = await receiver.handle({ method: 'POST', url: '/webhooks', headers: delivery.headers, body })
    arrayBufferBytes = process.memoryUsage().arrayBuffers - before
  } finally {
    slices.forEach((name, i) => (prototype[name] = originals[i] as (...args: number[]) => string))
    TextDecoder.prototype.decode = decode
    JSON.parse = parse
  }
  const sameBytes = seen.length === 3 && seen.every((bytes) => bytes === body)
  return {
    provider,
    size,
    status: response.status,
    sameBytes,
    decodes,
    jsonParses,
    arrayBufferBytes,
    holds:
      response.status === 200 &&
      sameBytes &&
      decodes === 1 &&
      jsonParses === 1 &&
      arrayBufferBytes < size / 2,
  }
}

// Part 3 ------------------------------------------------------------------------------------------------------

export interface Flatness {
  deliveries: number
  handled: number
  samples: { deliveries: number; rssMiB: number; heapUsedMiB: number; arrayBuffersMiB: number }[]
}

async function flatness(): Promise<Flatness> {
  let handled = 0
  const receiver = createReceiver({ provider: stripe({ secret: STRIPE_SECRET }), now: () => NOW * 1000 })
  receiver.onAny(() => void handled++)
  const samples: { deliveries: number; rssMiB: number; heapUsedMiB: number; arrayBuffersMiB: number }[] = []
  const sample = (deliveries: number) => {
    gc()
    const usage = process.memoryUsage()
    const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10
    samples.push({
      deliveries,
      rssMiB: mib(usage.rss),
      heapUsedMiB: mib(usage.heapUsed),
      arrayBuffersMiB: mib(usage.arrayBuffers),
    })
  }
  sample(0)
  for (let i = 1; i <= DELIVERIES; i++) {
    // A new event id each time (in the body, as Stripe sends it), signed like Stripe signs it.
    const text = JSON.stringify(payload('stripe', 1024, `evt_${i}`))
    const signature = createHmac('sha256', STRIPE_SECRET).update(`${NOW}.${text}`).digest('hex')
    const response = await receiver.handle({
      method: 'POST',
      url: '/webhooks',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${NOW},v1=${signature}` },
      body: Buffer.from(text),
    })
    if (response.status !== 200) throw new Error(`delivery ${i}: ${response.status} ${response.body}`)
    if (i % 100_000 === 0) sample(i)
  }
  return { deliveries: DELIVERIES, handled, samples }
}

// Allocation and the body checks need the large young generation; RSS is measured in a process with V8's defaults.
if (process.argv[2] === 'flatness') {
  process.send?.({ flatness: await flatness() })
} else {
  const bodyChecks: BodyCheck[] = []
  // One at a time: the counters are global.
  for (const provider of PROVIDERS) bodyChecks.push(await bodyCheck(provider, 256 * 1024))
  const allocations: ProviderAllocation[] = []
  for (const provider of PROVIDERS) allocations.push(await allocation(provider))
  process.send?.({ allocations, bodyChecks })
}
process.disconnect?.()
