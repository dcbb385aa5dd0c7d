/**
 * Where results go and what every result file records about the run: the machine, Node, the date, the mode.
 * `BENCH_QUICK=1` runs fewer rounds and sizes and writes to bench/results/quick/ (not committed), so a quick run
 * never overwrites the committed full results.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, platform, release, totalmem } from 'node:os'

export const QUICK = process.env.BENCH_QUICK === '1'

const RESULTS = new URL('../results/', import.meta.url)
export const resultsDir = QUICK ? new URL('quick/', RESULTS) : RESULTS

export interface RunInfo {
  mode: 'quick' | 'full'
  date: string
  node: string
  v8: string
  machine: string
  /** Load average when the run started: on a shared machine, the reason absolute numbers move between runs. */
  loadAverage: number[]
}

export function runInfo(): RunInfo {
  const cores = cpus()
  return {
    mode: QUICK ? 'quick' : 'full',
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    machine: `${cores[0]?.model.trim() ?? 'unknown CPU'}, ${cores.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}`,
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  }
}

export function writeResult(name: string, data: object): URL {
  mkdirSync(resultsDir, { recursive: true })
  const file = new URL(`${name}.json`, resultsDir)
  writeFileSync(file, `${JSON.stringify({ run: runInfo(), ...data }, null, 2)}\n`)
  return file
}

export function writeText(name: string, text: string): URL {
  mkdirSync(resultsDir, { recursive: true })
  const file = new URL(name, resultsDir)
  writeFileSync(file, text)
  return file
}

/** A result file written by an earlier step, or undefined when that step has not run. */
export function readResult<T>(name: string): (T & { run: RunInfo }) | undefined {
  try {
    return JSON.parse(readFileSync(new URL(`${name}.json`, resultsDir), 'utf8')) as T & { run: RunInfo }
  } catch {
    return undefined
  }
}
