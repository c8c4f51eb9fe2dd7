import { fillTable } from './dom.js'

interface Totals {
  executions: number
  failures: number
  running: number
  limitTrips: Record<string, number>
  cache: { hits: number; misses: number; size: number }
  pools: Record<string, { active: number; idle: number; size: number; waiting: number }>
}

/** Polls `/api/stats` each second: executions/s, failures, limit trips, pools, cache hit rate. */
export class MetricsPanel {
  private last: { at: number; executions: number } | undefined

  constructor(
    private readonly table: HTMLElement,
    private readonly stamp: HTMLElement,
    private readonly fetchStats: () => Promise<{ at: number; total: Totals }>,
  ) {}

  start(): void {
    const tick = async () => {
      try {
        const s = await this.fetchStats()
        this.render(s.at, s.total)
      } catch {
        this.stamp.textContent = '(unavailable)'
      }
      setTimeout(tick, 1000)
    }
    void tick()
  }

  private render(at: number, t: Totals): void {
    const rate = this.last && at > this.last.at ? ((t.executions - this.last.executions) * 1000) / (at - this.last.at) : 0
    this.last = { at, executions: t.executions }
    const lookups = t.cache.hits + t.cache.misses
    const trips = Object.entries(t.limitTrips).filter(([, n]) => n > 0)
    fillTable(this.table, [
      ['executions/s', rate.toFixed(1)],
      ['executions', String(t.executions)],
      ['failures', String(t.failures)],
      ['running', String(t.running)],
      ['limit trips', trips.length ? trips.map(([k, n]) => `${k}: ${n}`).join(', ') : 'none'],
      ...Object.entries(t.pools).map(
        ([e, p]) => [`pool ${e}`, `${p.active} active, ${p.idle} idle, ${p.waiting} waiting`] as [string, string],
      ),
      ['cache hit rate', lookups ? `${((t.cache.hits / lookups) * 100).toFixed(0)}% (${t.cache.size} scripts)` : '—'],
    ])
    this.table.dataset.executions = String(t.executions)
    this.stamp.textContent = new Date(at).toLocaleTimeString()
  }
}
