import { type ChildProcess, fork } from 'node:child_process'
import { setPriority } from 'node:os'
import { fileURLToPath } from 'node:url'

const FIXTURE = fileURLToPath(new URL('./fixtures/worker-process.mjs', import.meta.url))

/** A message a worker process sends (see fixtures/worker-process.mjs). */
export interface WorkerMessage {
  readonly pid: number
  readonly type: 'ready' | 'active' | 'attempt' | 'started' | 'aborted'
  readonly jobId?: string
  readonly outcome?: 'completed' | 'failed'
  readonly tag?: string
  readonly at?: number
}

/** A worker running in a child process, with every message it sent so far. */
export interface WorkerProcess {
  readonly child: ChildProcess
  readonly messages: WorkerMessage[]
  /** Resolves with the first message (already sent or future) that `match` accepts. */
  next(match: (m: WorkerMessage) => boolean): Promise<WorkerMessage>
  /** Graceful: the worker finishes its jobs, closes its host and exits. */
  stop(): Promise<void>
}

/**
 * Starts `n` worker processes (configured through `env`, see the fixture); resolves when all
 * take jobs. `nice` lowers their CPU priority: a throughput run then yields the CPU to
 * timing-sensitive tests of other packages running at the same time.
 */
export async function startWorkers(n: number, env: Record<string, string>, nice = 0): Promise<WorkerProcess[]> {
  return Promise.all(Array.from({ length: n }, () => startWorker(env, nice)))
}

// --- internal ---

// execArgv: [] keeps the test runner's flags (its source-condition resolution) out of the child

async function startWorker(env: Record<string, string>, nice: number): Promise<WorkerProcess> {
  const child = fork(FIXTURE, [], { execArgv: [], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  if (nice && child.pid) setPriority(child.pid, nice)
  const messages: WorkerMessage[] = []
  const waiting: { match: (m: WorkerMessage) => boolean; resolve: (m: WorkerMessage) => void }[] = []
  child.on('message', (m: WorkerMessage) => {
    messages.push(m)
    for (const w of [...waiting]) {
      if (!w.match(m)) continue
      waiting.splice(waiting.indexOf(w), 1)
      w.resolve(m)
    }
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const wp: WorkerProcess = {
    child,
    messages,
    next: (match) => {
      const found = messages.find(match)
      return found ? Promise.resolve(found) : new Promise((resolve) => waiting.push({ match, resolve }))
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.send({ type: 'close' })
      await exited
    },
  }
  await Promise.race([
    wp.next((m) => m.type === 'ready'),
    exited.then(() => {
      throw new Error(`worker process exited before ready (${child.exitCode}); build first: pnpm run build`)
    }),
  ])
  return wp
}
