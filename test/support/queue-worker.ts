/** A worker process of the durable-processing proof: `receiver.work()`; prints `READY` once it takes jobs. */
import { createApp } from './queue-app.js'

const { receiver, queue } = await createApp()
receiver.work({ concurrency: Number(process.env.CONCURRENCY ?? 1) })
await queue.queue.waitUntilReady()
process.stdout.write('READY\n')
