/**
 * A worker process of the queue benchmark: `receiver.work({ concurrency: 50 })` on the configuration's queue
 * (see app.ts). Tells the parent over IPC when it runs and, when asked, how many handlers have run.
 */
import { createBenchReceiver } from './app.js'

let handled = 0
const { receiver } = createBenchReceiver(() => handled++)
receiver.work({ concurrency: 50 })
process.send?.({ type: 'ready' })
process.on('message', (message) => {
  if (message === 'handled') process.send?.({ type: 'handled', count: handled })
})
process.on('disconnect', () => process.exit(0))
