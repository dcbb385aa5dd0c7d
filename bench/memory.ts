/**
 * Memory benchmark (not a test): runs bench/memory-worker.ts in a child process with `--expose-gc` and a 64 MiB
 * young generation (so a window of deliveries fits between two collections), prints what it found and writes
 * bench/results/memory.json. See the worker for the methods.
 */
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { BodyCheck, Flatness, ProviderAllocation } from './memory-worker.js'
import { QUICK, writeResult } from './support/results.js'
import { formatCount } from './support/stats.js'

/** bench/results/memory.json, as bench/report.ts reads it. */
export interface MemoryResult {
  allocations: (ProviderAllocation & { target: { limit: number; ratio: number; holds: boolean } })[]
  bodyChecks: BodyCheck[]
  flatness: Flatness & { target: { heapGrowth: number; rssGrowth: number; holds: boolean } }
}

const DELIVERIES = QUICK ? 200_000 : 1_000_000

/** Runs the worker with extra V8 flags and returns what it sends. */
async function runWorker<T>(args: string[], v8Flags: string[]): Promise<T> {
  const child = fork(fileURLToPath(new URL('./memory-worker.ts', import.meta.url)), args, {
    execArgv: ['--import', 'tsx', '--expose-gc', ...v8Flags],
    env: { ...process.env, BENCH_MEMORY_DELIVERIES: String(DELIVERIES) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let result: T | undefined
  child.on('message', (message: T) => (result = message))
  const [code] = await once(child, 'exit')
  if (result === undefined) throw new Error(`memory worker exited with ${code} and no result`)
  return result
}

const { allocations, bodyChecks } = await runWorker<{
  allocations: ProviderAllocation[]
  bodyChecks: BodyCheck[]
}>(
  [],
  // A young generation large enough for a window of 4,000 deliveries between two collections.
  ['--min-semi-space-size=64', '--max-semi-space-size=64'],
)
const { flatness } = await runWorker<{ flatness: Flatness }>(['flatness'], [])

const allocationTargets = allocations.map((a) => ({
  provider: a.provider,
  limit: 1.5,
  ratio: a.ratio,
  holds: a.ratio <= 1.5,
}))
console.log(
  '\nmemory: JS heap bytes allocated per delivery at 1 KiB (Buffer memory apart), target ≤ 1.5× floor',
)
for (const a of allocations) {
  console.log(
    `${a.ratio <= 1.5 ? 'holds ' : 'MISSED'}  ${a.provider.padEnd(17)} floor ${formatCount(a.floor.heapBytes)} B   receiver.verify ${formatCount(a.verify.heapBytes)} B   receiver.handle ${formatCount(a.handle.heapBytes)} B (+${formatCount(a.handle.arrayBufferBytes)} B buffers)   ${a.ratio.toFixed(2)}× floor`,
  )
}

console.log(
  '\nthe body, 256 KiB: one Uint8Array shared by verify, parse and rawBody; one decode; one JSON.parse',
)
for (const check of bodyChecks) {
  console.log(
    `${check.holds ? 'holds ' : 'MISSED'}  ${check.provider.padEnd(17)} same bytes: ${check.sameBytes}, decodes: ${check.decodes}, JSON.parse: ${check.jsonParses}, buffer memory allocated: ${formatCount(check.arrayBufferBytes)} B`,
  )
}

// Flat: from the first sample past the bound (20,000 keys) to the last, the heap after GC grows by under 5 %.
const bounded = flatness.samples.filter((s) => s.deliveries >= 100_000)
const first = bounded[0]
const last = bounded[bounded.length - 1]
const growth = first && last ? last.heapUsedMiB / first.heapUsedMiB - 1 : Number.NaN
const rssGrowth = first && last ? last.rssMiB / first.rssMiB - 1 : Number.NaN
const flatTarget = { heapGrowth: growth, rssGrowth, holds: growth < 0.05 && flatness.handled === DELIVERIES }
console.log(
  `\n${formatCount(DELIVERIES)} deliveries with distinct ids through the default memory store (10,000 events)`,
)
console.log('deliveries   RSS MiB   heap after GC MiB   buffers MiB')
for (const s of flatness.samples) {
  console.log(
    `${formatCount(s.deliveries).padStart(10)} ${String(s.rssMiB).padStart(9)} ${String(s.heapUsedMiB).padStart(19)} ${String(s.arrayBuffersMiB).padStart(13)}`,
  )
}
console.log(
  `heap after GC ${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %, RSS ${rssGrowth >= 0 ? '+' : ''}${(rssGrowth * 100).toFixed(1)} % from 100,000 to ${formatCount(DELIVERIES)}: ${flatTarget.holds ? 'flat (holds)' : 'MISSED'}; handler ran ${formatCount(flatness.handled)} times`,
)

writeResult('memory', {
  allocations: allocations.map((a, i) => ({
    ...a,
    target: allocationTargets[i] as MemoryResult['allocations'][number]['target'],
  })),
  bodyChecks,
  flatness: { ...flatness, target: flatTarget },
} satisfies MemoryResult)
