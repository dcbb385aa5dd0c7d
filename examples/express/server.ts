/** Runs the example: `STRIPE_WEBHOOK_SECRET=… GITHUB_WEBHOOK_SECRET=… npx tsx examples/express/server.ts` */
import { createApp } from './app.js'

const stripeSecret = process.env.STRIPE_WEBHOOK_SECRET
const githubSecret = process.env.GITHUB_WEBHOOK_SECRET
if (!stripeSecret || !githubSecret) {
  console.error('Set STRIPE_WEBHOOK_SECRET and GITHUB_WEBHOOK_SECRET (see the README).')
  process.exit(1)
}
const port = Number(process.env.PORT ?? 3000)
createApp({
  stripeSecret,
  githubSecret,
  onHandled: (provider, type, id) => console.log(`handled ${provider} ${type} ${id}`),
}).listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`))
