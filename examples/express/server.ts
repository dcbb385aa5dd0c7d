/**
 * Runs the Express example: `STRIPE_WEBHOOK_SECRET=… GITHUB_WEBHOOK_SECRET=… npx tsx examples/express/server.ts`;
 * set TWILIO_AUTH_TOKEN and SENDGRID_WEBHOOK_PUBLIC_KEY too to add the Twilio and SendGrid routes.
 */
import { createApp } from './app.js'

const port = Number(process.env.PORT ?? 3000)
// A missing or empty secret throws here, at start-up, rather than at the first delivery.
const app = createApp({
  stripeSecret: process.env.STRIPE_WEBHOOK_SECRET!,
  githubSecret: process.env.GITHUB_WEBHOOK_SECRET!,
  twilioAuthToken: process.env.TWILIO_AUTH_TOKEN,
  sendgridPublicKey: process.env.SENDGRID_WEBHOOK_PUBLIC_KEY,
  onHandled: (provider, type, id) => console.log(`handled ${provider} ${type} ${id}`),
})
const server = app.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`))

// On SIGTERM (a deploy, a scale-down): deliveries that still arrive get 503 + Retry-After, so the sender retries
// them on another instance; the handlers running finish (25 s at most, inside Kubernetes' 30 s grace period); then
// the server closes, and the process exits once its last connection has.
process.once('SIGTERM', async () => {
  await app.closeReceivers({ timeoutMs: 25_000 })
  server.close()
})
