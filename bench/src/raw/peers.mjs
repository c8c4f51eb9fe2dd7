import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/**
 * @typedef {object} Peer
 * @property {string} name
 * @property {string | undefined} version
 * @property {string | undefined} missing why the peer cannot run here
 */

/** @type {Promise<import('wasmoon').LuaFactory | undefined> | undefined} */
let factory

/**
 * A wasmoon Lua 5.4 engine (one WASM instance per factory; engines are states in it),
 * or undefined when wasmoon is not installed.
 * @returns {Promise<import('wasmoon').LuaEngine | undefined>}
 */
export async function wasmoonEngine() {
  factory ??= import('wasmoon').then(
    (m) => new m.LuaFactory(),
    () => undefined,
  )
  const f = await factory
  return f ? f.createEngine({ injectObjects: false, enableProxy: false, openStandardLibs: true }) : undefined
}

/**
 * Loads isolated-vm if it built on this machine.
 * @returns {Promise<unknown>}
 */
export async function isolatedVm() {
  try {
    return await import('isolated-vm')
  } catch {
    return undefined
  }
}

/** Versions and availability of the peers, for the report. */
export async function peerInfo() {
  /** @type {Peer[]} */
  const peers = []
  const w = await wasmoonEngine()
  w?.global.close()
  peers.push({ name: 'wasmoon (Lua 5.4, WASM)', version: version('wasmoon'), missing: w ? undefined : 'not installed' })
  peers.push({ name: 'node:vm (V8 context; not a sandbox, a floor)', version: process.versions.v8, missing: undefined })
  const ivm = await isolatedVm()
  peers.push({
    name: 'isolated-vm',
    version: version('isolated-vm'),
    missing: ivm
      ? undefined
      : `skipped: the optional dependency did not install or build on Node ${process.versions.node} (native module); rows omitted`,
  })
  return peers
}

// --- internal ---

function version(pkg) {
  try {
    return require(`${pkg}/package.json`).version
  } catch {
    return undefined
  }
}
