import { execFileSync } from 'node:child_process'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { polyhostInfo } from './polyhost.mjs'
import { peerInfo } from './raw/peers.mjs'
import { FENGARI_VERSION } from './raw/raw-lua.mjs'
import { QUICKJS_VERSION } from './raw/raw-quickjs.mjs'

/**
 * What the figures were measured on: machine, runtime, engine and peer versions, and the
 * load average at start and end (other processes on the machine add noise).
 * @param {number[]} loadAtStart `os.loadavg()` when the run began
 * @returns {Promise<{ lines: string[], peers: Awaited<ReturnType<typeof peerInfo>>, polyhost: Awaited<ReturnType<typeof polyhostInfo>> }>}
 */
export async function machineInfo(loadAtStart) {
  const cpus = os.cpus()
  const peers = await peerInfo()
  const polyhost = await polyhostInfo()
  const lines = [
    `CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length} (${os.arch()}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `OS: ${os.type()} ${os.release()}; load average (1 min) ${loadAtStart[0].toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end`,
    `Node ${process.versions.node} (V8 ${process.versions.v8})`,
    `Polyhost commit: ${commit()}`,
    ...polyhost.map((p) => `${p.name}: ${p.missing ? `not available (${p.missing})` : p.version}`),
    `fengari ${FENGARI_VERSION} (Lua 5.3 in JS)`,
    `quickjs-emscripten ${QUICKJS_VERSION} (raw rows use \`getQuickJS()\`, the release-sync variant)`,
    ...peers.map((p) => `${p.name}: ${p.missing ?? p.version ?? 'unknown version'}`),
  ]
  return { lines, peers, polyhost }
}

// --- internal ---

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function commit() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', cwd: ROOT }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], { encoding: 'utf8', cwd: ROOT }).trim()
    return dirty ? `${sha} (packages have uncommitted changes)` : sha
  } catch {
    return 'unknown'
  }
}
