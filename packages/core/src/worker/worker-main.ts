import { parentPort, workerData } from 'node:worker_threads'
import { type ResolvedPolicy, SecurityManager } from '@polyhost/security'
import { asBridgeError } from '../bridge-failure.js'
import { CompileCache } from '../compile-cache.js'
import type { CompiledScript, EngineEnvironment, EngineStats, ScriptEngine } from '../contracts.js'
import { ConversionError, EngineNotFoundError } from '../errors.js'
import { hostErrorText } from '../sanitize.js'
import { ConverterRegistry } from '../values/converters.js'
import { deepFreeze } from '../values/safe-object.js'
import { HostLink } from './host-link.js'
import { PolicyGate } from './policy-gate.js'
import { loadPluginRef } from './plugin-loader.js'
import {
  ABORT_FLAG_BYTES,
  type CompileMessage,
  type DoneMessage,
  type ExecuteMessage,
  type FromWorker,
  PROTOCOL_VERSION,
  type Snapshot,
  type ToWorker,
  type WorkerBoot,
} from './protocol.js'
import { clockCell } from './shared-clock.js'
import { MirrorBridges, MirrorModules } from './snapshot.js'
import { WorkerExecution } from './worker-execution.js'
import { allStats, countersOf, doneMessage } from './worker-stats.js'
import { decodeError, encodeError } from './wire-errors.js'

// Entry of every worker thread: re-creates the engines by module reference, keeps mirrors of
// the host's registries and runs what the host sends.

const port = parentPort
if (!port) throw new Error('worker-main runs only as a worker thread')
const boot = workerData as WorkerBoot
const post = (m: FromWorker) => port.postMessage(m)
const link = new HostLink(post, new Int32Array(boot.replySlot), boot.replyPort)
const onThread = new Int32Array(boot.threadSlot)
const bridges = new MirrorBridges()
const modules = new MirrorModules()
/** The policy of the latest message (messages carry a policy only when it changed). */
let latest = securityOf(boot.snapshot.policy)
/** The policy the engines see: switched only while no execution holds the previous one. */
const gate = new PolicyGate(latest)
const engines = new Map<string, { engine: ScriptEngine; version: string }>()
// the host caches a syntax-checked descriptor; each worker keeps its own compiled forms
const compiled = new CompileCache({ maxEntries: 500, maxBytes: 32 * 1024 * 1024 })
const running = new Map<number, WorkerExecution>()

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'execute':
      void execute(m)
      break
    case 'compile':
      void compile(m)
      break
    case 'settle':
      link.settle(m.call, m.reply)
      break
    case 'abort':
      running.get(m.id)?.abortFromHost(decodeError(m.error))
      break
    case 'close':
      void close()
      break
  }
})

// A stray rejection (an engine that drops a promise) would end the thread and every execution
// on it; report it instead. Uncaught exceptions still end the worker: its state is suspect.
process.on('unhandledRejection', (reason) => {
  post({ t: 'log', level: 'error', message: `unhandled rejection in a worker: ${(reason as Error)?.message ?? String(reason)}` })
})

void start()

// --- internal ---

async function start(): Promise<void> {
  try {
    apply(boot.snapshot)
    const env: EngineEnvironment = {
      get security() {
        return gate.security
      },
      bridges,
      modules,
      // custom types hold functions, which cannot cross threads: the built-in ones only
      converters: new ConverterRegistry(),
      pool: boot.pool,
      maxDepth: boot.maxDepth,
      logger: {
        debug: (message) => post({ t: 'log', level: 'debug', message: String(message) }),
        warn: (message) => post({ t: 'log', level: 'warn', message: String(message) }),
        error: (message) => post({ t: 'log', level: 'error', message: String(message) }),
      },
    }
    for (const { id, module } of boot.engines) {
      const plugin = await loadPluginRef(module, id)
      engines.set(id, { engine: await plugin.create(env), version: plugin.version ?? '0' })
    }
    post({ t: 'ready', protocol: PROTOCOL_VERSION, stats: allStats(engines) })
  } catch (e) {
    post({ t: 'init-failed', protocol: PROTOCOL_VERSION, error: encodeError(e) })
  }
}

function securityOf(policy: ResolvedPolicy): SecurityManager {
  // the constructor is private to keep callers on `resolve`; the host already resolved and
  // validated this policy, so the worker rebuilds the same manager (same fingerprint) from it
  return new (SecurityManager as unknown as new (p: ResolvedPolicy) => SecurityManager)(policy)
}

function apply(s: Snapshot | undefined): void {
  if (!s) return
  if (s.policy) latest = securityOf(s.policy)
  if (s.bridges) bridges.replace(s.bridges.version, s.bridges.list)
  if (s.modules) modules.replace(s.modules.version, s.modules.list)
}

function engineFor(id: string): { engine: ScriptEngine; version: string } {
  const e = engines.get(id)
  if (!e) throw new EngineNotFoundError(`engine '${id}' is not loaded in this worker`)
  return e
}

function scriptFor(
  id: string,
  m: CompileMessage | ExecuteMessage,
  security: SecurityManager,
): Promise<{ script: CompiledScript; hit: boolean }> {
  const { engine, version } = engineFor(id)
  const key = compiled.keyOf({
    engineId: id,
    engineVersion: version,
    policyFingerprint: security.fingerprint,
    hash: m.hash,
    name: m.name,
  })
  return compiled.getOrCompile(key, () => engine.compile({ language: m.language, name: m.name, source: m.source, hash: m.hash }))
}

async function compile(m: CompileMessage): Promise<void> {
  // parsing is no execution's code: the watchdog must not blame whoever ran last
  Atomics.store(onThread, 0, 0)
  try {
    apply(m.snapshot)
    await scriptFor(m.engine, m, latest)
    post({ t: 'compiled', id: m.id })
  } catch (e) {
    post({ t: 'compiled', id: m.id, error: encodeError(e) })
  }
}

async function execute(m: ExecuteMessage): Promise<void> {
  apply(m.snapshot)
  // this execution's policy, whatever later messages bring
  const security = latest
  const context = deepFreeze(m.context)
  const execution = new WorkerExecution(
    {
      engine: m.engine,
      language: m.language,
      scriptName: m.name,
      tenant: m.tenant,
      context,
      limits: m.limits,
      bridges,
      security,
      compileCacheHit: m.compileCacheHit,
    },
    m.id,
    new Int32Array(m.abort, 0, ABORT_FLAG_BYTES / 4),
    clockCell(m.abort),
    link,
    post,
    onThread,
  )
  execution.followHost(m.deadlineEpoch, m.begun)
  execution.reached()
  running.set(m.id, execution)
  // the host sees states being acquired and waited for, not only executions that ended
  statsSoon()
  let done: DoneMessage
  let entered = false
  try {
    // the engines see this execution's policy for as long as it runs
    const wait = gate.enterFor(execution, security)
    if (wait) await wait
    entered = true
    // parsing the script is this execution's work too
    execution.onThreadNow()
    const { script, hit } = await scriptFor(m.engine, m, security)
    execution.onThreadNow()
    const { engine } = engineFor(m.engine)
    const r = await engine.execute(script, { globals: m.globals, context, tenant: m.tenant, execution })
    done = doneMessage(m.id, r, countersOf(engine.stats()), hit)
  } catch (e) {
    // a bridge failure the engine recorded here (a result it could not convert) ends as BridgeError, as inline
    done = { ...usage(m, execution), error: encodeError(execution.fatal ?? asBridgeError(e, execution)) }
  } finally {
    if (entered) gate.leave()
    running.delete(m.id)
    execution.offThread()
    execution.dispose()
  }
  statsSoon()
  try {
    post(done)
  } catch (e) {
    // the result holds something structured clone refuses (a function, a symbol)
    const error = new ConversionError('$', `the result cannot be passed to the host: ${hostErrorText(e)}`)
    post({ ...usage(m, execution), error: encodeError(error) })
  }
}

function usage(m: ExecuteMessage, x: WorkerExecution): DoneMessage {
  const engine = engines.get(m.engine)?.engine
  const stats = engine ? countersOf(engine.stats()) : undefined
  return {
    t: 'done',
    id: m.id,
    logs: x.logs,
    outputBytes: x.outputBytes,
    instructions: x.instructions,
    memoryBytes: x.memoryBytes,
    stats,
  }
}

let statsTimer: ReturnType<typeof setTimeout> | undefined

/** Pool counters a moment after executions end, once their states are back (or destroyed). */
function statsSoon(): void {
  if (statsTimer) return
  statsTimer = setTimeout(() => {
    statsTimer = undefined
    const stats: Record<string, EngineStats> = {}
    for (const [id, { engine }] of engines) stats[id] = countersOf(engine.stats())
    post({ t: 'stats', stats })
  }, 5)
  statsTimer.unref()
}

async function close(): Promise<void> {
  await Promise.allSettled([...engines.values()].map((e) => e.engine.close()))
  post({ t: 'closed', stats: allStats(engines) })
}
