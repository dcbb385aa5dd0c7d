/**
 * Runs the Express example: `STRIPE_WEBHOOK_SECRET=… GITHUB_WEBHOOK_SECRET=… npx tsx examples/express/server.ts`;
 * set TWILIO_AUTH_TOKEN and SENDGRID_WEBHOOK_PUBLIC_KEY too to add the Twilio and SendGrid routes.
 */
import { createApp } from './app.js'

const port = Number(process.env.PORT ?? 3000)
// A missing or empty secret throws here, at start-up, rather than at the first delivery.
createApp({
  stripeSecret: process.env.STRIPE_WEBHOOK_SECRET!,
  githubSecret: process.env.GITHUB_WEBHOOK_SECRET!,
  twilioAuthToken: process.env.TWILIO_AUTH_TOKEN,
  sendgridPublicKey: process.env.SENDGRID_WEBHOOK_PUBLIC_KEY,
  onHandled: (provider, type, id) => console.log(`handled ${provider} ${type} ${id}`),
}).listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`))
