import { defineConfig, type Options } from 'tsup'

/** One entry per subpath of package.json `exports`; scripts/check-package.mjs fails the build when they drift. */
export const entries = {
  index: 'src/index.ts',
  'providers/stripe': 'src/providers/stripe.ts',
  'providers/github': 'src/providers/github.ts',
  'providers/standard-webhooks': 'src/providers/standard-webhooks.ts',
  'providers/shopify': 'src/providers/shopify.ts',
  'providers/slack': 'src/providers/slack.ts',
  'providers/twilio': 'src/providers/twilio.ts',
  'providers/sendgrid': 'src/providers/sendgrid.ts',
  'providers/gitlab': 'src/providers/gitlab.ts',
  'providers/hmac': 'src/providers/hmac.ts',
  'adapters/express': 'src/adapters/express.ts',
  'adapters/koa': 'src/adapters/koa.ts',
  'adapters/fastify': 'src/adapters/fastify.ts',
  'adapters/next': 'src/adapters/next.ts',
  'adapters/fetch': 'src/adapters/fetch.ts',
  'adapters/node': 'src/adapters/node.ts',
  'stores/redis': 'src/stores/redis.ts',
  'stores/postgres': 'src/stores/postgres.ts',
  'queues/bullmq': 'src/queues/bullmq.ts',
  'testing/index': 'src/testing/index.ts',
}

/**
 * The entries that also get an edge build in dist/edge/ (Web Crypto, no Buffer, no `node:` import), selected by the
 * `edge-light`, `workerd`, `worker`, `browser` and `deno` export conditions. The Node-only entries (Express and
 * node:http adapters, the Redis and PostgreSQL stores with their Node clients, the BullMQ queue) have none.
 */
export const edgeEntries = [
  'index',
  'providers/stripe',
  'providers/github',
  'providers/standard-webhooks',
  'providers/shopify',
  'providers/slack',
  'providers/twilio',
  'providers/sendgrid',
  'providers/gitlab',
  'providers/hmac',
  'adapters/fetch',
  'adapters/next',
  'testing/index',
] as const satisfies readonly (keyof typeof entries)[]

/**
 * Where an edge entry's source differs from its Node one: Next's edge runtime gets the App Router handler alone,
 * since the Pages Router handler needs Node's request and response.
 */
export const edgeSources: Partial<Record<(typeof edgeEntries)[number], string>> = {
  'adapters/next': 'src/adapters/next-route.ts',
}

/** The conditions the edge build resolves `#crypto` with (package.json `imports`): the first one is enough. */
const EDGE_CONDITIONS = ['edge-light', 'import', 'default']

const shared: Options = {
  dts: true,
  splitting: true,
  treeshake: true,
  sourcemap: false,
  // Frameworks are optional peers, imported as types only, except the lazy import('next/server') of the Next adapter.
  external: ['next'],
}

export default defineConfig([
  {
    ...shared,
    entry: entries,
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    outDir: 'dist',
    // dist/edge is the other build's, which runs at the same time.
    clean: ['!edge/**'],
  },
  {
    ...shared,
    entry: Object.fromEntries(edgeEntries.map((name) => [name, edgeSources[name] ?? entries[name]])),
    // Edge runtimes load ES modules only.
    format: ['esm'],
    target: 'es2022',
    // `neutral`: node built-ins are not external here, so a `node:` import anywhere in the graph fails the build.
    platform: 'neutral',
    outDir: 'dist/edge',
    clean: true,
    esbuildOptions(options) {
      options.conditions = EDGE_CONDITIONS
    },
    dts: { compilerOptions: { customConditions: ['edge-light'] } },
  },
])
