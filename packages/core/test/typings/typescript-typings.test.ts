import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { SecurityManager } from '@polyhost/security'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BridgeRegistry } from '../../src/bridges.js'
import { ModuleRegistry } from '../../src/modules.js'
import { generateTypings } from '../../src/typings/index.js'
import { FIXTURE_BRIDGES, FIXTURE_CONTEXT, FIXTURE_GLOBALS, FIXTURE_POLICY } from './fixture.js'

const run = promisify(execFile)
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

let dir: string
let dts: string

beforeAll(async () => {
  const bridges = new BridgeRegistry()
  for (const b of FIXTURE_BRIDGES) bridges.register(b)
  const modules = new ModuleRegistry()
  modules.register({ name: 'util', language: 'js', source: 'export default { twice: (x) => 2 * x }' })
  modules.register({ name: 'luaonly', language: 'lua', source: 'return {}' })
  const security = SecurityManager.resolve(FIXTURE_POLICY)
  dts = generateTypings({ bridges, modules, security, globals: FIXTURE_GLOBALS, context: FIXTURE_CONTEXT }, 'js')
  dir = await mkdtemp(join(tmpdir(), 'polyhost-dts-'))
  await writeFile(join(dir, 'polyhost.d.ts'), dts)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Runs `tsc --noEmit --checkJs` on one script beside the generated `.d.ts`; returns its diagnostics. */
async function check(name: string, script: string): Promise<string> {
  await writeFile(join(dir, name), script)
  const config = {
    compilerOptions: {
      allowJs: true,
      checkJs: true,
      noEmit: true,
      strict: true,
      target: 'es2022',
      module: 'es2022',
      lib: ['es2023'],
      types: [],
    },
    files: ['polyhost.d.ts', name],
  }
  const project = join(dir, `${name}.tsconfig.json`)
  await writeFile(project, JSON.stringify(config))
  try {
    await run(process.execPath, [tsc, '-p', project], { cwd: dir })
    return ''
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e)
  }
}

const GOOD = `import util from 'util'
const v = await kv.get('a')
if (v !== null) print(v.toUpperCase())
kv.set('a', 'b')
const keys = kv.list()
const some = kv.list('pre')
const t = orders.total({ items: [{ sku: 'x', qty: 2, price: 1.5 }] }, 'EUR')
console.log(t.amount.toFixed(2), t.currency, keys.length, some[0], orders.pair(['a', 1]))
const n = order.items[0]?.qty ?? 0
console.log(n + threshold, context.tenant, context.user ?? 'nobody', util.twice(2))
export default v
`

describe('generated .d.ts under tsc --checkJs', () => {
  it('accepts a script that calls bridges, globals, context and modules correctly', async () => {
    expect(await check('good.js', GOOD)).toBe('')
  }, 60_000)

  it('rejects a wrong argument type', async () => {
    const out = await check('bad-arg.js', "kv.get(42)\norders.total({ items: [{ sku: 'x', qty: '2', price: 1 }] }, 'EUR')\n")
    expect(out).toMatch(/bad-arg\.js\(1,8\): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'/)
    expect(out).toMatch(/bad-arg\.js\(2,.*error TS2322: Type 'string' is not assignable to type 'number'/)
  }, 60_000)

  it('rejects an unknown method, a policy-hidden bridge and a bad enum value', async () => {
    const out = await check('bad-method.js', "kv.remove('a')\nadmin.drop()\norders.total({ items: [] }, 'GBP')\n")
    expect(out).toMatch(/bad-method\.js\(1,4\): error TS2339: Property 'remove' does not exist on type 'typeof kv'/)
    expect(out).toMatch(/bad-method\.js\(2,1\): error TS2304: Cannot find name 'admin'/)
    expect(out).toMatch(/bad-method\.js\(3,.*'"GBP"' is not assignable to parameter of type '"EUR" \| "USD"'/)
  }, 60_000)

  it('rejects writes to the frozen context and a wrong use of an async result', async () => {
    const out = await check('bad-context.js', "context.tenant = 'x'\nconst v = kv.get('a')\nv.toUpperCase()\n")
    expect(out).toMatch(/bad-context\.js\(1,9\): error TS2540: Cannot assign to 'tenant' because it is a read-only property/)
    expect(out).toMatch(/bad-context\.js\(3,3\): error TS2339: Property 'toUpperCase' does not exist on type 'Promise<string \| null>'/)
  }, 60_000)

  it('documents bridges and methods with JSDoc and declares only modules of its language', () => {
    expect(dts).toContain('/**\n * Tenant key-value store\n */\ndeclare namespace kv {')
    expect(dts).toContain(
      '   * Reads a key; null when absent\n   * @param key the key to read\n   */\n  function get(key: string): Promise<string | null>',
    )
    expect(dts).toContain('declare module "util"')
    expect(dts).not.toContain('luaonly')
  })
})
