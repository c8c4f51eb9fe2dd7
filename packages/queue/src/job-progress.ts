import { type BridgeContext, type BridgeDefinition, type Host, InvalidArgumentError } from '@polyhost/core'
import { z } from 'zod'
import { integerOption } from './client-options.js'
import { type JobProgress, jobScopeOf } from './job-scope.js'

export type { JobProgress }

/** Progress reporting of a ScriptWorker (`progress` option). */
export interface ProgressOptions {
  /** At most one Redis write per job within this many milliseconds (default 250); the last value always lands. */
  readonly minIntervalMs?: number
  /** Largest object progress, as JSON bytes (default 1024). */
  readonly maxBytes?: number
}

/** Largest `maxBytes`: each report is stored in the job's hash and sent to every listener. */
export const MAX_PROGRESS_BYTES = 1024 * 1024

/**
 * `createScriptWorker`'s `progress` option, checked before a connection opens: undefined for
 * `false` (no `job` bridge). Before, a NaN `maxBytes` let objects of any size through, a NaN,
 * negative or longer-than-a-timer `minIntervalMs` wrote every report after 1 ms, and a value
 * that is no object was taken as the defaults.
 */
export function progressOption(v: unknown): Required<ProgressOptions> | undefined {
  const what = 'createScriptWorker'
  if (v === false) return undefined
  if (v === undefined) return { minIntervalMs: 250, maxBytes: 1024 }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new InvalidArgumentError(
      `${what}: progress must be false or an object, received ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}`,
    )
  const unknown = Object.keys(v).find((k) => k !== 'minIntervalMs' && k !== 'maxBytes')
  if (unknown !== undefined) throw new InvalidArgumentError(`${what}: progress: unknown field '${unknown.slice(0, 40)}'`)
  const { minIntervalMs, maxBytes } = v as Record<string, unknown>
  return {
    minIntervalMs: integerOption({ 'progress.minIntervalMs': minIntervalMs }, 'progress.minIntervalMs', what, 0, 250),
    maxBytes: integerOption({ 'progress.maxBytes': maxBytes }, 'progress.maxBytes', what, 1, 1024, MAX_PROGRESS_BYTES),
  }
}

/**
 * `job.progress`'s argument. One check with its own messages: as a union, a NaN or an infinity
 * read "expected number or record, received number".
 */
function progressValue(): z.ZodType<JobProgress> {
  const record = z.record(z.string(), z.unknown())
  return z.unknown().transform((v, ctx) => {
    if (typeof v === 'number') {
      if (Number.isFinite(v) && v >= 0 && v <= 100) return v
      ctx.addIssue({ code: 'custom', message: `a percentage must be a finite number from 0 to 100, received ${v}` })
      return z.NEVER
    }
    const r = record.safeParse(v)
    if (r.success) return r.data as JobProgress
    const got = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
    ctx.addIssue({ code: 'custom', message: `expected a percentage (a finite number from 0 to 100) or an object, received ${got}` })
    return z.NEVER
  })
}

/**
 * The `job` bridge: `job.progress(value)` in Lua and JS. `value` is a number from 0 to 100 or
 * a plain object (at most `maxBytes` as JSON). It becomes the BullMQ job's progress
 * (`job.progress()`, `job.on('progress')` on the producer, `worker.bull.on('progress')`).
 * Outside a queued execution the call fails with BridgeError.
 */
export const jobBridge: BridgeDefinition = {
  name: 'job',
  description: 'The queued job this execution runs as',
  methods: {
    progress: {
      description: 'Reports progress: a percentage from 0 to 100, or a small object',
      args: [progressValue()],
      handler: (ctx: BridgeContext, value: JobProgress) => {
        const reporter = jobScopeOf(ctx)?.progress
        if (!reporter) throw new Error('job.progress: only available to an execution run by a ScriptWorker')
        reporter.report(value)
      },
    },
  },
}

/** Registers {@link jobBridge} on `host` once; a different bridge named `job` is refused. */
export function registerJobBridge(host: Host): void {
  const existing = host.bridges.get(jobBridge.name)
  if (existing === jobBridge) return
  if (existing) throw new InvalidArgumentError("createScriptWorker: the host has its own bridge named 'job'; pass progress: false")
  host.bridges.register(jobBridge)
}

/**
 * One job's progress reporting, as its JobScope carries it: the {@link ProgressReporter} is
 * made on the first report, since most jobs never report progress.
 */
export class JobProgressSlot {
  private reporter: ProgressReporter | undefined

  constructor(
    private readonly job: { updateProgress(value: JobProgress): Promise<void> },
    private readonly onError: (e: Error) => void,
    private readonly options: ProgressOptions | undefined,
  ) {}

  report(value: JobProgress): void {
    this.reporter ??= new ProgressReporter((v) => this.job.updateProgress(v), this.onError, this.options)
    this.reporter.report(value)
  }

  /** See {@link ProgressReporter.flush}; undefined when the job reported nothing. */
  flush(): Promise<void> | undefined {
    return this.reporter?.flush()
  }
}

/**
 * One job's progress: checked, then written to Redis at most once per `minIntervalMs`. A value
 * reported within the interval replaces any value still waiting and is written when it ends, so
 * the last report always lands; `flush()` writes it at once (before the job completes).
 */
export class ProgressReporter {
  private last = Number.NEGATIVE_INFINITY
  private pending: { value: JobProgress } | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private writing: Promise<void> | undefined
  private readonly minIntervalMs: number
  private readonly maxBytes: number

  constructor(
    private readonly write: (value: JobProgress) => Promise<void>,
    private readonly onError: (e: Error) => void,
    options: ProgressOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 250
    this.maxBytes = options.maxBytes ?? 1024
  }

  /** Checks `value` (a bad one throws, for the script to see) and schedules its write. */
  report(value: JobProgress): void {
    if (typeof value !== 'number') {
      const bytes = Buffer.byteLength(JSON.stringify(value) ?? '')
      if (bytes > this.maxBytes) throw new Error(`job.progress: the object is ${bytes} bytes as JSON, more than ${this.maxBytes}`)
    }
    this.pending = { value }
    const wait = this.last + this.minIntervalMs - performance.now()
    if (wait <= 0) this.send()
    else this.timer ??= setTimeout(() => this.send(), wait)
  }

  /**
   * Writes a waiting value now; resolves when every write has settled. Undefined when the
   * job never reported progress (nothing to wait for: most jobs).
   */
  flush(): Promise<void> | undefined {
    if (this.pending) this.send()
    return this.writing
  }

  // --- internal ---

  private send(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const p = this.pending
    if (!p) return
    this.pending = undefined
    this.last = performance.now()
    // in order: a late write must not overwrite a newer value
    this.writing = (this.writing ?? Promise.resolve()).then(() => this.write(p.value)).catch((e: Error) => this.onError(e))
  }
}
