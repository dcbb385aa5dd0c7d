/**
 * Runs the example: `STRIPE_WEBHOOK_SECRET=… GITHUB_WEBHOOK_SECRET=… TWILIO_AUTH_TOKEN=… SENDGRID_WEBHOOK_PUBLIC_KEY=…
 * npx tsx examples/express/server.ts`
 */
import { createApp } from './app.js'

const {
  STRIPE_WEBHOOK_SECRET: stripeSecret,
  GITHUB_WEBHOOK_SECRET: githubSecret,
  TWILIO_AUTH_TOKEN: twilioAuthToken,
  SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridPublicKey,
} = process.env
if (!stripeSecret || !githubSecret || !twilioAuthToken || !sendgridPublicKey) {
  console.error(
    'Set STRIPE_WEBHOOK_SECRET, GITHUB_WEBHOOK_SECRET, TWILIO_AUTH_TOKEN and SENDGRID_WEBHOOK_PUBLIC_KEY.',
  )
  process.exit(1)
}
const port = Number(process.env.PORT ?? 3000)
createApp({
  stripeSecret,
  githubSecret,
  twilioAuthToken,
  sendgridPublicKey,
  onHandled: (provider, type, id) => console.log(`handled ${provider} ${type} ${id}`),
}).listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`))
