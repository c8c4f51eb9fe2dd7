import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// An application's `tsc --noEmit` with a default strict tsconfig and no skipLibCheck, no
// @types/node and no `lib` of its own must accept the published .d.ts of every package.
// Reads dist/: `pnpm run build` first.

const root = join(import.meta.dirname, '..', '..')
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
// checked in a program of their own: the server packages (queue, playground, cli) bring
// @types/node with them, which would hide a `node:` import in these
const LIBRARIES = ['security', 'core', 'engine-lua', 'engine-js']
const SERVERS = ['conformance', 'cli', 'queue', 'playground']

// `tsc --init` (TypeScript 5.9) without skipLibCheck; `types: []` keeps @types/node out, and
// target ES2022 (its default lib) shows the packages need no `lib: esnext`
const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    target: 'es2022',
    types: [],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    noUncheckedSideEffectImports: true,
    moduleDetection: 'force',
    noEmit: true,
  },
  include: ['*.ts'],
}

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polyhost-consumer-'))
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }')
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function check(files: Record<string, string>): Promise<{ code: number; out: string }> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', dir], { cwd: dir })
    return { code: 0, out: '' }
  } catch (e) {
    const err = e as { code?: number; stdout?: string }
    return { code: err.code ?? -1, out: err.stdout ?? String(e) }
  } finally {
    for (const name of Object.keys(files)) await rm(join(dir, name), { force: true })
  }
}

describe('published types in a strict consumer project', () => {
  it('the check reports a type error (the harness is live)', async () => {
    const r = await check({ 'bad.ts': 'export const n: number = "text"\n' })
    expect(r.code).not.toBe(0)
    expect(r.out).toContain('TS2322')
  }, 120_000)

  it('core, security and the engines type-check without skipLibCheck, @types/node or lib esnext', async () => {
    const files = Object.fromEntries(
      LIBRARIES.map((p) => [`use-${p}.ts`, `import * as m from '${join(root, 'packages', p, 'dist', 'index.js')}'\nexport const x = m\n`]),
    )
    files['app.ts'] = [
      `import { createHost } from '${join(root, 'packages', 'core', 'dist', 'index.js')}'`,
      `import { luaEngine } from '${join(root, 'packages', 'engine-lua', 'dist', 'index.js')}'`,
      `import { jsEngine } from '${join(root, 'packages', 'engine-js', 'dist', 'index.js')}'`,
      'export async function main(): Promise<unknown> {',
      `  await using host = await createHost({ engines: [luaEngine(), jsEngine()], worker: { resourceLimits: { maxOldGenerationSizeMb: 64 } } })`,
      `  const script = await host.compile({ language: 'lua', source: 'return 1' })`,
      '  return (await script.run({ globals: { x: 1 } })).value',
      '}',
      '',
    ].join('\n')
    const r = await check(files)
    expect(r.out).toBe('')
    expect(r.code).toBe(0)
  }, 120_000)

  it('the server packages type-check without skipLibCheck', async () => {
    const files = Object.fromEntries(
      SERVERS.map((p) => [`use-${p}.ts`, `import * as m from '${join(root, 'packages', p, 'dist', 'index.js')}'\nexport const x = m\n`]),
    )
    const r = await check(files)
    expect(r.out).toBe('')
    expect(r.code).toBe(0)
  }, 120_000)
})
