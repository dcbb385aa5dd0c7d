/**
 * Next.js 16, `next build` output: bench/e2e/next-app/app/sdk/route.ts, a route handler hand-wired as Stripe's
 * examples show (`await request.text()`, then stripe.webhooks.constructEvent).
 */
import { serveNextApp } from '../../support/next-app.js'

await serveNextApp('/sdk')
