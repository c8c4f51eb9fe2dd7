import type { Host } from '@polyhost/core'

/** The policy presets a playground can offer. */
export const PRESETS = ['minimal', 'standard', 'strict'] as const
export type Preset = (typeof PRESETS)[number]

/** Makes the host for a preset; called at most once per preset. */
export type HostFactory = (preset: Preset) => Promise<Host>

/**
 * The hosts a playground executes on: one given host, or one per policy preset made on first
 * use by a factory (the preset chooser of the page). Closing closes only hosts it made.
 */
export class PlaygroundHosts {
  private readonly made = new Map<Preset, Promise<Host>>()
  private readonly settled = new Map<Preset, Host>()
  private closed = false

  constructor(
    private readonly source: Host | HostFactory,
    /** The preset used when a request names none. */
    readonly defaultPreset: Preset = 'standard',
  ) {}

  /** Presets a request may name: all three with a factory, none with a single host. */
  get presets(): readonly Preset[] {
    return typeof this.source === 'function' ? PRESETS : []
  }

  /**
   * The host for `preset` (undefined → the default). The factory may answer a Host or a promise
   * of one, and may throw; anything but a Host is an error (retried by the next request). Once
   * closing, no host is made: it would outlive the playground.
   */
  get(preset: Preset | undefined): Promise<Host> {
    if (typeof this.source !== 'function') return Promise.resolve(this.source)
    if (this.closed) return Promise.reject(new Error('playground: closed, no host is made'))
    const p = preset ?? this.defaultPreset
    let h = this.made.get(p)
    if (!h) {
      const factory = this.source
      h = Promise.resolve(p)
        .then(factory)
        .then((host: unknown) => {
          if (!isHost(host))
            throw new TypeError(
              `playground: the host factory answered ${host === null ? 'null' : typeof host} for preset '${p}', not a Host`,
            )
          this.settled.set(p, host)
          return host
        })
      // a failed creation is retried by the next request
      h.catch(() => this.made.delete(p))
      this.made.set(p, h)
    }
    return h
  }

  /** Hosts created so far (for stats and metrics). */
  current(): readonly [string, Host][] {
    if (typeof this.source !== 'function') return [['host', this.source]]
    return [...this.settled]
  }

  async close(): Promise<void> {
    if (typeof this.source !== 'function') return
    this.closed = true
    const hosts = await Promise.allSettled([...this.made.values()])
    await Promise.allSettled(hosts.map((h) => (h.status === 'fulfilled' ? h.value.close() : undefined)))
  }
}

function isHost(v: unknown): v is Host {
  const h = v as Host | null
  return typeof h === 'object' && h !== null && typeof h.execute === 'function' && typeof h.close === 'function'
}
