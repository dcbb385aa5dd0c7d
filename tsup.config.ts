import { defineConfig } from 'tsup'

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
  'testing/index': 'src/testing/index.ts',
}

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  splitting: true,
  treeshake: true,
  target: 'node20',
  platform: 'node',
  sourcemap: false,
  outDir: 'dist',
  // Frameworks are optional peers, imported as types only, except the lazy import('next/server') of the Next adapter.
  external: ['next'],
})
