import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { EngineNotFoundError } from '../errors.js'

// Where a worker thread's script and Node flags come from: the built entry, also when the host
// itself runs from the TypeScript sources (tests).

/**
 * Node flags for the workers: undefined (inherit the host's) unless the host runs from
 * TypeScript sources (a test runner resolving packages to `src/` through `--conditions`); its
 * workers then get the host's flags without `--conditions`, so they load the built packages.
 */
export function workerExecArgv(): string[] | undefined {
  if (!FROM_SOURCE) return undefined
  const argv = process.execArgv
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--conditions' || a === '-C') i++
    else if (!a.startsWith('--conditions=') && !a.startsWith('-C=')) out.push(a)
  }
  return out
}

// --- internal ---

const FROM_SOURCE = /\.ts$/.test(import.meta.url)

/**
 * The worker's entry file, `dist/worker/worker-main.js` of this package, found from the package
 * root: this code may run from `src/` (tests) or from wherever the bundler put it in `dist/`.
 * The host thread cannot hand a `.ts` file to a worker, so the sources use the built entry too.
 */
export function workerEntry(): URL {
  const url = new URL('dist/worker/worker-main.js', packageRoot(import.meta.url))
  if (!existsSync(fileURLToPath(url))) {
    throw new EngineNotFoundError(`worker entry ${fileURLToPath(url)} does not exist: build @polyhost/core first (pnpm turbo run build)`)
  }
  return url
}

/** The nearest directory above `from` holding a package.json, as a URL ending in `/`. */
function packageRoot(from: string): URL {
  for (let dir = new URL('./', from); ; dir = new URL('../', dir)) {
    if (existsSync(fileURLToPath(new URL('package.json', dir)))) return dir
    if (new URL('../', dir).href === dir.href) throw new EngineNotFoundError(`no package.json above ${fileURLToPath(from)}`)
  }
}
