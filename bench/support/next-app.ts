/**
 * The Next.js app of the end-to-end benchmark, bench/e2e/next-app: one App Router route per side (`/ours` and
 * `/sdk`), compiled once by `next build` (the parent, `buildNextApp`) and served from that build by each side's
 * server module in its own process (`serveNextApp`), which has the parent send deliveries to its own route only.
 */
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type nextModule from 'next/dist/server/next.js'
import { serve } from './server.js'

const NEXT_APP = fileURLToPath(new URL('../e2e/next-app/', import.meta.url))
/** No usage report from the build or the servers. */
const NEXT_TELEMETRY_DISABLED = '1'

/**
 * `next build` of the app, against the package as dist/ holds it now (the routes import `webhook-receiver` by its
 * name): the milliseconds it took. Its output is shown only when it fails.
 */
export function buildNextApp(): number {
  const bin = createRequire(import.meta.url).resolve('next/dist/bin/next')
  const started = performance.now()
  try {
    execFileSync(process.execPath, [bin, 'build', NEXT_APP], {
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED },
      stdio: 'pipe',
    })
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer }
    process.stderr.write(`${stdout ?? ''}${stderr ?? ''}`)
    throw error
  }
  return performance.now() - started
}

/**
 * Serves the built app on a free port of 127.0.0.1 (see `serve`). Next's custom-server API runs the request handler
 * `next start` runs (both come from `getRequestHandlers` in next/dist/server/lib/start-server.js); it is used here
 * so that the server is this process and answers the parent like every other benchmark server.
 */
export async function serveNextApp(route: '/ours' | '/sdk'): Promise<void> {
  process.env.NEXT_TELEMETRY_DISABLED = NEXT_TELEMETRY_DISABLED
  // CommonJS whose types declare an ES default export: required, `module.exports` is that function.
  const next: typeof nextModule.default = createRequire(import.meta.url)('next')
  const app = next({ dir: NEXT_APP, dev: false, hostname: '127.0.0.1' })
  await app.prepare()
  serve(createServer(app.getRequestHandler()), route)
}
