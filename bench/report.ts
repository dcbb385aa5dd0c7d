/**
 * Turns the result files of the other benchmarks into bench/results/results.md (the tables, and which targets
 * hold) and bench/results/ratios.svg (a bar chart of the ratios, drawn by hand: no chart library). After a full run
 * it also replaces the generated part of the benchmark report, bench/README.md (between the bench:results markers).
 * `npm run bench:chart` runs only this step, from the JSON already written.
 */
import { readFileSync, writeFileSync } from 'node:fs'
// Types only: each result file is typed by the script that writes it (nothing of theirs runs here).
import type { E2eResult, ServerResult } from './e2e.js'
import type { MemoryResult } from './memory.js'
import type { MicroResult, MicroRow } from './micro.js'
import type { QueueResult } from './queue.js'
import type { StoresResult } from './stores.js'
import type { ProviderName } from './support/deliveries.js'
import { QUICK, readResult, writeText, type RunInfo } from './support/results.js'
import { formatCount, formatNs, formatRatio, formatSize, type Spread } from './support/stats.js'

const micro = readResult<MicroResult>('micro')
const e2e = readResult<E2eResult>('e2e')
const memory = readResult<MemoryResult>('memory')
const stores = readResult<StoresResult>('stores')
const queue = readResult<QueueResult>('queue')

const PROVIDER_NAMES: Record<ProviderName, string> = {
  stripe: 'Stripe',
  github: 'GitHub',
  'standard-webhooks': 'Standard Webhooks',
}
const holds = (ok: boolean) => (ok ? '✅ holds' : '❌ missed')
const cell = (row: MicroRow | undefined) =>
  row === undefined ? '—' : `${formatNs(row.nsPerOp.median)} (${formatRatio(row.ratioToFloor)})`

function runLine(run: RunInfo | undefined, what: string): string {
  if (run === undefined) return `${what}: not run.`
  return `${what}: ${run.date.slice(0, 10)}, Node ${run.node}, ${run.machine}, load average ${run.loadAverage.join(' / ')} at the start (${run.mode} mode).`
}

// ---- Markdown ------------------------------------------------------------------------------------------------

function microTables(data: MicroResult): string {
  const groups = [...new Set(data.rows.map((row) => `${row.provider}|${row.size}`))].map((key) => {
    const [provider, size] = key.split('|') as [ProviderName, string]
    return data.rows.filter((row) => row.provider === provider && row.size === Number(size))
  })
  const main = [
    '| provider | body | floor | `receiver.verify` | `receiver.handle` | official SDK | `handle` ÷ SDK |',
    '|---|---|---|---|---|---|---|',
  ]
  const refusals = [
    '| provider | body | floor | forged signature → 401 | no signature → 401 | valid, `handle` |',
    '|---|---|---|---|---|---|',
  ]
  for (const rows of groups) {
    const first = rows[0] as MicroRow
    const floor = rows.find((row) => row.role === 'floor')
    const handle = rows.find((row) => row.role === 'handle')
    const sdks = rows.filter((row) => row.role === 'sdk')
    main.push(
      `| ${PROVIDER_NAMES[first.provider]} | ${formatSize(first.size)} | ${floor ? formatNs(floor.nsPerOp.median) : '—'} | ${cell(rows.find((row) => row.role === 'verify'))} | ${cell(handle)} | ${sdks.map((sdk) => `${sdk.name}: ${cell(sdk)}`).join('<br>')} | ${Object.entries(
        handle?.ratioToSdk ?? {},
      )
        .map(([sdk, ratio]) => `${formatRatio(ratio)} ${sdk.split(' ')[0]}`)
        .join('<br>')} |`,
    )
    refusals.push(
      `| ${PROVIDER_NAMES[first.provider]} | ${formatSize(first.size)} | ${floor ? formatNs(floor.nsPerOp.median) : '—'} | ${cell(rows.find((row) => row.role === 'forged'))} | ${cell(rows.find((row) => row.role === 'unsigned'))} | ${cell(handle)} |`,
    )
  }
  const asyncRows = data.rows.filter((row) => row.role === 'handle-async' && row.size === 1024)
  return [
    `ns/op (÷ floor: median over ${data.settings.rounds} rounds, min–max); \`handle\` ÷ SDK below 1 means ours is faster.`,
    '',
    ...main,
    '',
    `With an \`async\` no-op handler instead (1 KiB): ${asyncRows.map((row) => `${PROVIDER_NAMES[row.provider]} ${cell(row)}`).join(', ')}.`,
    '',
    '**What a refused delivery costs** (issue #7: a flood of valid-looking unsigned or forged requests). ns/op (÷ floor):',
    '',
    ...refusals,
  ].join('\n')
}

function e2eTable(data: E2eResult): string {
  const side = (server: ServerResult | undefined) =>
    server === undefined
      ? '(adapter not written yet)'
      : `${server.label}: ${formatCount(server.requestsPerSecond.median)} req/s (${formatCount(server.requestsPerSecond.min)}–${formatCount(server.requestsPerSecond.max)}), p50 ${server.p50Ms.median.toFixed(2)} ms, p99 ${server.p99Ms.median.toFixed(2)} ms`
  return [
    `${data.settings.connections} connections, ${formatSize(data.settings.bodyBytes)} signed POSTs with distinct ids, ${data.settings.rounds} rounds of ${data.settings.seconds} s; median (min–max).`,
    '',
    '| framework | provider | ours | hand-wired reference | ours ÷ reference |',
    '|---|---|---|---|---|',
    ...data.pairings.map(
      (p) =>
        `| ${p.framework} | ${PROVIDER_NAMES[p.provider]} | ${side(p.ours)} | ${side(p.reference)} | ${p.ratio === undefined ? '—' : formatRatio(p.ratio)}${p.valid ? '' : ' (invalid run)'} |`,
    ),
  ].join('\n')
}

function memoryTables(data: MemoryResult): string {
  const samples = data.flatness.samples
  return [
    'JS heap bytes allocated per delivery, 1 KiB:',
    '',
    '| provider | floor | `receiver.verify` | `receiver.handle` | `handle` ÷ floor |',
    '|---|---|---|---|---|',
    ...data.allocations.map(
      (a) =>
        `| ${PROVIDER_NAMES[a.provider]} | ${formatCount(a.floor.heapBytes)} B | ${formatCount(a.verify.heapBytes)} B | ${formatCount(a.handle.heapBytes)} B | ${a.ratio.toFixed(2)}× |`,
    ),
    '',
    'The body, 256 KiB, through `receiver.handle`:',
    '',
    '| provider | one Uint8Array for verify, parse and `rawBody` | decodes of the body | `JSON.parse` calls | Buffer memory allocated |',
    '|---|---|---|---|---|',
    ...data.bodyChecks.map(
      (c) =>
        `| ${PROVIDER_NAMES[c.provider]} | ${c.sameBytes ? 'yes' : 'no'} | ${c.decodes} | ${c.jsonParses} | ${formatCount(c.arrayBufferBytes)} B |`,
    ),
    '',
    `${formatCount(data.flatness.deliveries)} deliveries with distinct ids through the default memory store (10,000 events), one process:`,
    '',
    `| deliveries | ${samples.map((s) => formatCount(s.deliveries)).join(' | ')} |`,
    `|---|${samples.map(() => '---').join('|')}|`,
    `| RSS (MiB) | ${samples.map((s) => s.rssMiB).join(' | ')} |`,
    `| heap after GC (MiB) | ${samples.map((s) => s.heapUsedMiB).join(' | ')} |`,
  ].join('\n')
}

function storesTable(data: StoresResult): string {
  return [
    `Deliveries per second through \`receiver.handle\`, ${data.inFlight} in flight, stores on loopback:`,
    '',
    '| store | deliveries/s | round trips per delivery |',
    '|---|---|---|',
    ...Object.entries(data.results).map(
      ([name, r]) => `| ${name} | ${formatCount(r.perSecond)} | ${r.roundTrips} |`,
    ),
  ].join('\n')
}

function queueTable(data: QueueResult & { run: RunInfo }): string {
  return [
    runLine(data.run, 'Measured'),
    '',
    `Over HTTP through \`expressMiddleware\`, ${data.settings.connections} connections, ${formatSize(data.settings.bodyBytes)} signed Stripe deliveries, ${data.settings.rounds} rounds of runs of ${data.settings.seconds} s; the median of each configuration's runs (min–max):`,
    '',
    '| mode | handler | deliveries/s | p50 answer | p99 answer |',
    '|---|---|---|---|---|',
    ...data.configurations.map(
      (c) =>
        `| ${c.label} | ${c.handlerMs} ms | ${formatCount(c.deliveriesPerSecond.median)} (${formatCount(c.deliveriesPerSecond.min)}–${formatCount(c.deliveriesPerSecond.max)}) | ${c.p50Ms.median.toFixed(1)} ms | ${c.p99Ms.median.toFixed(1)} ms (${c.p99Ms.min.toFixed(1)}–${c.p99Ms.max.toFixed(1)}) |`,
    ),
  ].join('\n')
}

function targetList(): string {
  const lines: string[] = []
  if (micro) {
    for (const role of ['receiver.handle', 'receiver.verify']) {
      const all = micro.targets.filter((t) => t.name === role)
      const limit = all[0]?.limit ?? 0
      const worst = Math.max(...all.map((t) => t.ratioToFloor))
      lines.push(
        `- \`${role}\` ≤ ${limit.toFixed(2)}× the floor at every size: ${holds(all.every((t) => t.holds))} (${all.map((t) => `${PROVIDER_NAMES[t.provider]} ${formatSize(t.size)} ${t.ratioToFloor.toFixed(2)}×`).join(', ')}; worst ${worst.toFixed(2)}×)`,
      )
    }
    const handles = micro.targets.filter((t) => t.name === 'receiver.handle')
    const behind = handles.filter((t) => !t.aheadOfEverySdk)
    lines.push(
      `- \`receiver.handle\` ahead of every SDK in the table: ${holds(behind.length === 0)}${behind.length === 0 ? '' : ` (behind ${behind.map((t) => `${t.slowerThan.join(', ')} at ${formatSize(t.size)}`).join('; ')})`}`,
    )
  }
  if (e2e) {
    for (const p of e2e.pairings) {
      if (p.target === undefined || p.ours === undefined || p.ratio === undefined) continue
      lines.push(
        `- ${p.framework}: ${p.ours.label} ≥ 1.0× ${p.reference.label}: ${holds(p.target.holds)} (${formatRatio(p.ratio)})`,
      )
    }
  }
  if (memory) {
    lines.push(
      `- No copy of the body, no decode for hashing, one \`JSON.parse\`: ${holds(memory.bodyChecks.every((c) => c.holds))}`,
    )
    lines.push(
      `- Allocation per delivery at 1 KiB ≤ 1.5× the floor's: ${holds(memory.allocations.every((a) => a.target.holds))} (${memory.allocations.map((a) => `${PROVIDER_NAMES[a.provider]} ${a.ratio.toFixed(2)}×`).join(', ')})`,
    )
    const t = memory.flatness.target
    lines.push(
      `- Memory flat once the store's bound is reached: ${holds(t.holds)} (heap after GC ${(t.heapGrowth * 100).toFixed(1)} %, RSS ${(t.rssGrowth * 100).toFixed(1)} % from 100,000 to ${formatCount(memory.flatness.deliveries)} deliveries)`,
    )
  }
  if (queue) {
    for (const t of queue.targets)
      lines.push(`- ${t.name} ${t.limit}: ${holds(t.holds)} (${formatRatio(t.value)})`)
  }
  return lines.join('\n')
}

/** The tables and the targets; `chart` is the SVG's path relative to where the Markdown is read. */
function markdown(chart: string): string {
  const sections: [title: string, body: string | undefined][] = [
    ['**Targets**', targetList()],
    ['**Per delivery** (`bench/micro.ts`)', micro && microTables(micro)],
    ['**End to end** (`bench/e2e.ts`)', e2e && e2eTable(e2e)],
    ['**Memory** (`bench/memory.ts`)', memory && memoryTables(memory)],
    ['**Stores** (`bench/stores.ts`)', stores && storesTable(stores)],
    ['**Durable processing** (`bench/queue.ts`)', queue && queueTable(queue)],
  ]
  return [
    runLine(micro?.run ?? e2e?.run, 'Measured'),
    '',
    `![Ratios: per delivery to the floor, end to end to the hand-wired SDK](${chart})`,
    '',
    ...sections.flatMap(([title, body]) => [title, '', body ?? 'not run', '']),
  ].join('\n')
}

// ---- SVG -----------------------------------------------------------------------------------------------------

interface Bar {
  label: string
  /** A second, smaller line under the label. */
  detail?: string
  ratio: Spread
  kind: 'ours' | 'sdk'
}
interface Panel {
  title: string
  bars: (Bar | { heading: string })[]
  /** Dashed vertical rules, e.g. the floor and a target. */
  rules: { at: number; label: string }[]
  tickStep: number
}

const escape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

/** Horizontal bars (median) with min–max whiskers, one panel under the other. */
function svgChart(panels: Panel[], caption: string): string {
  const width = 980
  const labelWidth = 380
  const plotWidth = width - labelWidth - 110
  const barHeight = 16
  const colors = { ours: '#2563eb', sdk: '#9ca3af' }
  const parts: string[] = []
  let y = 10
  for (const panel of panels) {
    const bars = panel.bars.filter((bar): bar is Bar => 'ratio' in bar)
    const max = Math.min(
      8,
      Math.max(1.2, ...bars.map((bar) => bar.ratio.max), ...panel.rules.map((r) => r.at)),
    )
    const x = (ratio: number) => labelWidth + (Math.min(ratio, max) / max) * plotWidth
    parts.push(`<text x="10" y="${y + 16}" class="title">${escape(panel.title)}</text>`)
    y += 34
    const top = y
    for (const bar of panel.bars) {
      if ('heading' in bar) {
        parts.push(`<text x="10" y="${y + 13}" class="heading">${escape(bar.heading)}</text>`)
        y += 20
        continue
      }
      const { median, min, max: high } = bar.ratio
      const labelY = bar.detail === undefined ? y + 12 : y + 7
      parts.push(`<text x="${labelWidth - 8}" y="${labelY}" text-anchor="end">${escape(bar.label)}</text>`)
      if (bar.detail !== undefined)
        parts.push(
          `<text x="${labelWidth - 8}" y="${labelY + 13}" text-anchor="end" class="small">${escape(bar.detail)}</text>`,
        )
      const barY = bar.detail === undefined ? y : y + 2
      parts.push(
        `<rect x="${labelWidth}" y="${barY}" width="${(x(median) - labelWidth).toFixed(1)}" height="${barHeight}" fill="${colors[bar.kind]}"/>`,
        `<line x1="${x(min).toFixed(1)}" x2="${x(high).toFixed(1)}" y1="${barY + barHeight / 2}" y2="${barY + barHeight / 2}" class="whisker"/>`,
        `<text x="${(Math.max(x(median), x(high)) + 6).toFixed(1)}" y="${barY + 12}">${median > max ? '→ ' : ''}${median.toFixed(2)}×</text>`,
      )
      y += bar.detail === undefined ? 22 : 32
    }
    // Axis: ticks below the bars, then the rules' labels.
    parts.push(`<line x1="${labelWidth}" x2="${labelWidth + plotWidth}" y1="${y}" y2="${y}" class="axis"/>`)
    for (let tick = 0; tick <= max + 1e-9; tick += panel.tickStep) {
      parts.push(
        `<line x1="${x(tick).toFixed(1)}" x2="${x(tick).toFixed(1)}" y1="${y}" y2="${y + 4}" class="axis"/>`,
        `<text x="${x(tick).toFixed(1)}" y="${y + 16}" text-anchor="middle" class="small">${Number(tick.toFixed(2))}×</text>`,
      )
    }
    panel.rules.forEach((rule, i) => {
      parts.push(
        `<line x1="${x(rule.at).toFixed(1)}" x2="${x(rule.at).toFixed(1)}" y1="${top - 4}" y2="${y}" class="rule"/>`,
        `<text x="${x(rule.at).toFixed(1)}" y="${top - 8}" text-anchor="${i === 0 ? 'end' : 'start'}" class="small">${escape(rule.label)}</text>`,
      )
    })
    y += 34
  }
  parts.push(`<text x="10" y="${y}" class="small">${escape(caption)}</text>`)
  y += 12
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    '<style>.title{font-size:15px;font-weight:600}.heading{font-weight:600}.small{font-size:11px;fill:#4b5563}.rule{stroke:#111827;stroke-dasharray:4 3}.whisker{stroke:#111827;stroke-width:1.5}.axis{stroke:#6b7280}</style>',
    `<rect width="${width}" height="${y}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n')
}

const panels: Panel[] = []
if (micro) {
  const bars: Panel['bars'] = []
  for (const key of [...new Set(micro.rows.map((row) => `${row.provider}|${row.size}`))]) {
    const [provider, size] = key.split('|') as [ProviderName, string]
    const rows = micro.rows.filter((row) => row.provider === provider && row.size === Number(size))
    bars.push({ heading: `${PROVIDER_NAMES[provider]}, ${formatSize(Number(size))}` })
    for (const row of rows) {
      if (row.role === 'verify' || row.role === 'handle' || row.role === 'sdk')
        bars.push({ label: row.name, ratio: row.ratioToFloor, kind: row.role === 'sdk' ? 'sdk' : 'ours' })
    }
  }
  panels.push({
    title: 'Per delivery: ns/op ÷ floor (lower is better)',
    bars,
    rules: [
      { at: 1, label: 'floor ' },
      { at: 1.1, label: ' handle target 1.10×' },
    ],
    tickStep: 1,
  })
}
if (e2e) {
  const bars: Panel['bars'] = []
  for (const p of e2e.pairings) {
    if (p.ours === undefined || p.ratio === undefined) continue
    bars.push({
      label: `${p.framework}: ${p.ours.label}`,
      detail: `÷ ${p.reference.label}`,
      ratio: p.ratio,
      kind: 'ours',
    })
  }
  panels.push({
    title: 'End to end: req/s ÷ the same framework hand-wired (higher is better)',
    bars,
    rules: [{ at: 1, label: 'reference ' }],
    tickStep: 0.25,
  })
}

// ---- Write ---------------------------------------------------------------------------------------------------

const mdFile = writeText('results.md', `${markdown('ratios.svg')}\n`)
const run = micro?.run ?? e2e?.run
const caption = `Bars: median over rounds; lines: min–max. ${run ? `${run.date.slice(0, 10)}, Node ${run.node}, ${run.machine}.` : ''}`
const svgFile = writeText('ratios.svg', svgChart(panels, caption))
console.log(`\nwrote ${mdFile.pathname} and ${svgFile.pathname}\n`)
console.log(targetList())

if (!QUICK) {
  const report = new URL('README.md', import.meta.url)
  const text = readFileSync(report, 'utf8')
  const start = '<!-- bench:results:start (generated by npm run bench; do not edit by hand) -->'
  const end = '<!-- bench:results:end -->'
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from >= 0 && to > from) {
    // The chart's path is relative to bench/README.md.
    writeFileSync(
      report,
      `${text.slice(0, from + start.length)}\n\n${markdown('results/ratios.svg')}\n${text.slice(to)}`,
    )
    console.log('\nupdated the results section of bench/README.md')
  } else {
    console.log('\nbench/README.md has no bench:results markers: its results section was not updated')
  }
}
