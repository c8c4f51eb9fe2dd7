/// <reference lib="dom" />
import { defineBridge } from '@polyhost/core'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type Playground, startPlayground } from '../src/index.js'
import { HAVE_CHROMIUM, launchBrowser, setSource as setSourceOn } from './browser-page.js'
import { fixtureHost } from './fixture-host.js'

let pg: Playground
let browser: Browser
let page: Page

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return
  // the fixture host, with a bridge whose methods are named by a Lua keyword and a JS reserved word,
  // and one that answers after a while: a run that is still running when the next is asked for
  pg = await startPlayground({
    host: async (preset) => {
      const host = await fixtureHost(preset)
      const method = { args: [z.string().meta({ title: 'key' })], handler: () => true }
      host.bridges.register(defineBridge({ name: 'store', methods: { end: method, delete: method } }))
      const nap = { args: [z.number()], handler: (_ctx: unknown, ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)) }
      host.bridges.register(defineBridge({ name: 'slow', methods: { nap } }))
      return host
    },
  })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  await page.goto(pg.url)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 })
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await pg?.close()
})

const setSource = (text: string) => setSourceOn(page, text)

const state = () =>
  page.evaluate(() => ({
    status: document.getElementById('status')?.textContent,
    runDisabled: (document.getElementById('run') as HTMLButtonElement).disabled,
    result: document.getElementById('result')?.textContent,
  }))

/** The 1-based lines of the editor that carry an error mark. */
const markedLines = () =>
  page.evaluate(() =>
    [...document.querySelectorAll('.cm-lintRange-error')].map((mark) => {
      const row = mark.closest('.cm-line')
      return row ? [...(row.parentElement?.children ?? [])].indexOf(row) + 1 : 0
    }),
  )

describe.skipIf(!HAVE_CHROMIUM)('playground page: runs, marks and completions', () => {
  it('Ctrl/Cmd+Enter during a run starts nothing, as the disabled Run button: the output is the one run’s', async () => {
    const posted: string[] = []
    page.on('request', (r) => {
      if (r.url().endsWith('/api/execute')) posted.push(r.postData() ?? '')
    })
    await page.selectOption('#language', 'lua')
    // long enough that the first run is still going after the waits below on a loaded machine
    // (1.5 s was not: pasting and the waits took longer, and the run had ended)
    await setSource('slow.nap(4000)\nreturn "first run"')
    await page.click('#run')
    await page.waitForTimeout(300)
    await setSource('return "second run"')
    await page.keyboard.press('ControlOrMeta+Enter')
    // before: the second run answered at once, set "done" and enabled Run while the first still ran,
    // then the first's answer replaced its value
    await page.waitForTimeout(700)
    expect(await state()).toMatchObject({ status: 'running…', runDisabled: true })
    await expect.poll(() => page.textContent('#status'), { timeout: 10_000 }).toBe('done')
    expect(await state()).toMatchObject({ result: "'first run'", runDisabled: false })
    expect(posted).toHaveLength(1)
    // once it has ended, the keyboard runs the script in the editor
    await page.keyboard.press('ControlOrMeta+Enter')
    await expect.poll(() => page.textContent('#status')).toBe('done')
    expect(await state()).toMatchObject({ result: "'second run'", runDisabled: false })
    expect(posted).toHaveLength(2)
  }, 60_000)

  it('a passing syntax check scheduled by typing leaves the mark of the run that followed', async () => {
    await page.click('.cm-content')
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.press('Delete')
    await page.keyboard.type('local x = 1\nerror("boom")')
    // at once: the check the typing scheduled answers after the run
    await page.keyboard.press('ControlOrMeta+Enter')
    await expect.poll(() => page.textContent('#status')).toBe('failed')
    expect(await page.textContent('#error')).toMatch(/^ScriptRuntimeError on line 2: /)
    await page.waitForResponse((r) => r.url().endsWith('/api/check'), { timeout: 5_000 })
    await page.waitForTimeout(200)
    expect(await markedLines()).toEqual([2])
    // a syntax error found by the check is cleared by the check that passes after the fix
    await setSource('local y = = 1\nerror("boom")')
    await expect.poll(markedLines, { timeout: 5_000 }).toEqual([1, 2])
    await setSource('local y = 1\nerror("boom")')
    await expect.poll(markedLines, { timeout: 5_000 }).toEqual([2])
  }, 60_000)

  it('completes a method named by a Lua keyword as an index, and a JS reserved word after the dot', async () => {
    const complete = async (typed: string, label: string) => {
      await page.keyboard.press('Escape')
      await setSource('')
      await page.keyboard.type(typed)
      // the option the typed prefix selects, so Enter takes it and not one of an earlier list
      await page.locator('.cm-tooltip-autocomplete li[aria-selected]', { hasText: label }).waitFor({ timeout: 10_000 })
      // CodeMirror ignores an accept within its interactionDelay (75 ms) of the list changing
      await page.waitForTimeout(200)
      await page.keyboard.press('Enter')
      return page.evaluate(() => document.querySelector('.cm-content')?.textContent ?? '')
    }
    await page.selectOption('#language', 'lua')
    expect(await complete('store.en', 'end')).toBe('store["end"](')
    expect(await complete('store.del', 'delete')).toBe('store.delete(')
    await page.selectOption('#language', 'js')
    expect(await complete('store.en', 'end')).toBe('store.end(')
    expect(await complete('store.del', 'delete')).toBe('store.delete(')
  }, 60_000)
})
