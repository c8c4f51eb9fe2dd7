import { describe, expect, it } from 'vitest'
import { EngineNotFoundError, InvalidArgumentError } from '../src/errors.js'
import { createHost } from '../src/host.js'
import { fakeEngine, hostsOfTest } from './fixtures/fake-engine-host.js'

const { track } = hostsOfTest()

/** Two engines whose ids differ from their languages, one with an upper-case extension. */
async function twoEngines() {
  const a = fakeEngine('alpha')
  const g = fakeEngine('gamma')
  const gamma = { ...g.plugin, languages: ['gee', 'g2'], extensions: ['.GEE', '.g'] }
  const host = track(await createHost({ engines: [a.plugin, gamma] }))
  return { host, a: a.record, g: g.record }
}

/** What `execute` answers for a request: the engine id it ran on, or its error's class and message. */
async function executed(host: Awaited<ReturnType<typeof twoEngines>>['host'], request: object) {
  try {
    return (await host.execute({ source: 'x', ...request })).stats.engine
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message }
  }
}

function routed(host: Awaited<ReturnType<typeof twoEngines>>['host'], request: object) {
  try {
    return host.engineFor(request)
  } catch (e) {
    // a bad field is named as execute names it, after the method's own name
    return { error: (e as Error).constructor.name, message: (e as Error).message.replace(/^engineFor:/, 'execute:') }
  }
}

describe('host.engineFor', () => {
  it('names the engine execute runs a request on, or gives the error execute gives, compiling nothing', async () => {
    const { host, a, g } = await twoEngines()
    const requests: object[] = [
      { language: 'alpha' },
      { language: 'gee' },
      { language: 'g2', name: 'x.alpha' },
      { name: 'x.alpha' },
      { name: 'dir/x.gee' },
      { name: 'X.GEE' },
      { name: 'x.G' },
      { language: 'cobol' },
      { name: 'x.cob' },
      { name: 'noext' },
      {},
      { language: '' },
      { language: 5 },
      { name: 'n'.repeat(5000) },
    ]
    const answers = requests.map((r) => routed(host, r))
    expect(a.compiles.length + g.compiles.length).toBe(0)
    expect(a.requests.length + g.requests.length).toBe(0)
    for (const [i, r] of requests.entries()) expect(answers[i], JSON.stringify(r).slice(0, 60)).toEqual(await executed(host, r))
    expect(answers.slice(0, 7)).toEqual(['alpha', 'gamma', 'gamma', 'alpha', 'gamma', 'gamma', 'gamma'])
    expect(() => host.engineFor({ language: 'cobol' })).toThrow(EngineNotFoundError)
    expect(() => host.engineFor({ name: 'x.cob' })).toThrow(/^no engine for extension '\.cob'/)
  })

  it('reads only language and name, once, and turns a bad request into an InvalidArgumentError', async () => {
    const { host } = await twoEngines()
    let reads = 0
    const once = {
      get language() {
        reads++
        return 'gee'
      },
      get globals(): never {
        throw new Error('not read')
      },
    }
    expect(host.engineFor(once)).toBe('gamma')
    expect(reads).toBe(1)
    const throwing = {
      get name(): never {
        throw new Error('boom')
      },
    }
    expect(() => host.engineFor(throwing)).toThrow(new InvalidArgumentError('engineFor: the request could not be read (boom)'))
    const revoked = Proxy.revocable({}, {})
    revoked.revoke()
    expect(() => host.engineFor(revoked.proxy)).toThrow(InvalidArgumentError)
    for (const bad of [null, undefined, 'x.alpha', 5]) expect(() => host.engineFor(bad as never), String(bad)).toThrow(InvalidArgumentError)
  })

  it('keeps answering after close: it is a lookup of the host configuration', async () => {
    const { host } = await twoEngines()
    await host.close()
    expect(host.engineFor({ name: 'a.gee' })).toBe('gamma')
  })
})
