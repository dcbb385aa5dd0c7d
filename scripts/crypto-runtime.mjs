/**
 * `#crypto`, the one crypto contract the library is written against (src/crypto/runtime.ts), and the module that
 * implements it in each build. It is a build-time alias, not a package.json `imports` entry, so the published
 * package points at nothing it does not ship: tsup.config.ts hands it to esbuild, vitest.config.ts and
 * vitest.edge.config.ts to Vite, and tsconfig.json / tsconfig.edge.json map it with `paths` (the first is checked
 * against this module by scripts/entrypoints.mjs, the second written from it).
 */
import { join } from 'node:path'

export const CRYPTO_SPECIFIER = '#crypto'

/** node:crypto and Buffer, synchronous, for Node and Bun; Web Crypto, asynchronous, for the edge build. */
export const CRYPTO_RUNTIMES = { node: 'src/crypto/node.ts', edge: 'src/crypto/web.ts' }

/**
 * @param {keyof typeof CRYPTO_RUNTIMES} runtime
 * @param {string} root the repository's root directory
 * @returns {Record<string, string>} an esbuild / Vite alias, absolute
 */
export const cryptoAlias = (runtime, root) => ({ [CRYPTO_SPECIFIER]: join(root, CRYPTO_RUNTIMES[runtime]) })

/**
 * @param {keyof typeof CRYPTO_RUNTIMES} runtime
 * @returns {Record<string, string[]>} tsconfig `paths`, relative to the repository's root
 */
export const cryptoRuntimePaths = (runtime) => ({ [CRYPTO_SPECIFIER]: [`./${CRYPTO_RUNTIMES[runtime]}`] })
