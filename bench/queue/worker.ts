/**
 * A worker process of the queue benchmark: `receiver.work({ concurrency: 50 })` on the configuration's queue
 * (see app.ts). Over IPC it says when it is ready, how many handlers have run, and stops and restarts taking jobs
 * when told (`pause`: `worker.close()`, which waits for the jobs in progress; `resume`: `receiver.work()` again).
 * PAUSED=1 starts it paused.
 */
import type { QueueWorker } from 'webhook-receiver'
import { createBenchReceiver } from './app.js'

let handled = 0
const { receiver } = createBenchReceiver(() => handled++)
let worker: QueueWorker | undefined =
  process.env.PAUSED === '1' ? undefined : receiver.work({ concurrency: 50 })

process.on('message', async (message) => {
  if (message === 'handled') process.send?.({ type: 'handled', count: handled })
  if (message === 'pause') {
    await worker?.close()
    worker = undefined
    process.send?.({ type: 'paused' })
  }
  if (message === 'resume') {
    worker ??= receiver.work({ concurrency: 50 })
    process.send?.({ type: 'resumed' })
  }
})
process.on('disconnect', () => process.exit(0))
process.send?.({ type: 'ready' })
