/** Next.js 16, `next build` output: bench/e2e/next-app/app/ours/route.ts, nextRouteHandler with the Stripe provider. */
import { serveNextApp } from '../../support/next-app.js'

await serveNextApp('/ours')
