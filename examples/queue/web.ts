/**
 * The web process: Express receives the webhooks, and each verified event is answered 200 as soon as its job is
 * stored (no handler runs here). `STRIPE_WEBHOOK_SECRET=… GITHUB_WEBHOOK_SECRET=… REDIS_URL=redis://… npx tsx
 * examples/queue/web.ts`, beside `npx tsx examples/queue/worker.ts`.
 */
import express from 'express'
import { expressMiddleware } from 'webhook-receiver/express'
import { closeConnections, payments, repository } from './receivers.js'

const app = express()
app.post('/webhooks/stripe', expressMiddleware(payments))
app.post('/webhooks/github', expressMiddleware(repository))

const port = Number(process.env.PORT ?? 3000)
const server = app.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`))

// A deploy: stop accepting deliveries (a sender retries what it could not deliver), let the requests in progress
// finish storing their jobs, then close the connections. Nothing is left running, so the process exits.
process.once('SIGTERM', () => {
  server.close(() => {
    void closeConnections().then(() => console.log('web process closed'))
  })
})
