/**
 * Runs the NestJS example, compiled by tsc as `nest build` does (Nest's injector reads the constructor parameter
 * types it emits): `npx tsc -p examples/nest`, then `node examples/nest/dist/main.js` on Express, or
 * `node examples/nest/dist/main.js fastify` on Fastify. See examples/README.md for the secrets.
 */
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { AppModule } from './app.module.js'

const adapter = process.argv.includes('fastify') ? new FastifyAdapter() : new ExpressAdapter()
// rawBody: true keeps the bytes of JSON and form bodies on req.rawBody: signatures are computed over them.
const app = await NestFactory.create(AppModule, adapter, { rawBody: true })
// On SIGTERM, Nest closes the app: the receivers answer new deliveries 503 (the sender retries them on another
// instance), the handlers running finish, then the server closes.
app.enableShutdownHooks()

const port = Number(process.env.PORT ?? 3000)
await app.listen(port, '127.0.0.1')
console.log(`listening on http://127.0.0.1:${port}`)
