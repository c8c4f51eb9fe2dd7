/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, writeFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Playground, startPlayground } from '../src/index.js'
import { CHROMIUM, HAVE_CHROMIUM, launchBrowser, runAndWait as runAndWaitOn, setSource as setSourceOn } from './browser-page.js'
import { fixtureHost } from './fixture-host.js'

const SHOTS = new URL('./screenshots/', import.meta.url).pathname
if (!HAVE_CHROMIUM) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (.ci/run installs Debian's chromium)`)

let pg: Playground
let browser: Browser
let page: Page

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return
  mkdirSync(SHOTS, { recursive: true })
  pg = await startPlayground({ host: (preset) => fixtureHost(preset) })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await pg?.close()
})

const setSource = (text: string) => setSourceOn(page, text)
const runAndWait = (trigger: () => Promise<void>) => runAndWaitOn(page, trigger)

describe.skipIf(!HAVE_CHROMIUM)('playground page in headless Chromium', () => {
  it('loads, and reports its weight and time to interactive', async () => {
    const started = Date.now()
    await page.goto(pg.url)
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 })
    const wall = Date.now() - started
    const readyAt = Number(await page.getAttribute('body', 'data-ready-at'))
    const bytes = await page.evaluate(() =>
      performance.getEntriesByType('resource').reduce((n, e) => n + ((e as PerformanceResourceTiming).encodedBodySize || 0), 0),
    )
    const editorAt = Number(await page.getAttribute('body', 'data-editor-at'))
    // again with the host warm: the steady state an author sees on every later visit
    await page.reload()
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 })
    const warm = {
      editorMs: Number(await page.getAttribute('body', 'data-editor-at')),
      readyMs: Number(await page.getAttribute('body', 'data-ready-at')),
    }
    const report = { cold: { editorMs: editorAt, readyMs: readyAt, wallMs: wall }, warm, transferredBytes: bytes }
    writeFileSync(`${SHOTS}load-timing.log`, `${JSON.stringify(report)}\n`)
    console.log(`playground page: ${JSON.stringify(report)}`)
    expect(warm.readyMs).toBeGreaterThan(0)
    expect(readyAt).toBeGreaterThan(0)
    await page.screenshot({ path: `${SHOTS}01-loaded.png` })
  }, 60_000)

  it('offers a bridge method in autocomplete, runs a Lua script and shows value, logs and stats', async () => {
    await setSource('')
    await page.keyboard.type('kv.')
    const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'get' })
    await option.first().waitFor({ timeout: 10_000 })
    expect(await page.locator('.cm-tooltip-autocomplete').textContent()).toMatch(/get.*set/s)
    await page.screenshot({ path: `${SHOTS}02-autocomplete.png` })
    await page.keyboard.press('Escape')
    await setSource('kv.set("a", "hello")\nprint("logged", kv.get("a"))\nreturn kv.get("a") .. "!"')
    await runAndWait(() => page.keyboard.press('ControlOrMeta+Enter'))
    expect(await page.textContent('#result')).toBe("'hello!'")
    expect(await page.textContent('#logs')).toBe('logged\thello')
    const stats = await page.textContent('#stats')
    expect(stats).toMatch(/bridge calls3/)
    expect(stats).toMatch(/instructions[1-9]\d*/)
    expect(stats).toMatch(/enginelua/)
    await page.screenshot({ path: `${SHOTS}03-lua-result.png` })
  }, 60_000)

  it('runs a JS script', async () => {
    await page.selectOption('#language', 'js')
    await setSource('kv.set("b", "x")\nconsole.log("js says", kv.get("b"))\n;({ answer: 6 * 7 })')
    await runAndWait(() => page.click('#run'))
    expect(await page.textContent('#result')).toBe('{ answer: 42 }')
    expect(await page.textContent('#logs')).toBe('js says x')
    expect(await page.textContent('#stats')).toMatch(/enginejs/)
    await page.screenshot({ path: `${SHOTS}04-js-result.png` })
  }, 60_000)

  it('marks a syntax error on its line', async () => {
    await page.selectOption('#language', 'lua')
    await setSource('local a = 1\nlocal b = = 2\nreturn a')
    await runAndWait(() => page.click('#run'))
    expect(await page.textContent('#error')).toMatch(/^ScriptSyntaxError on line 2: /)
    await page.locator('.cm-lintRange-error').first().waitFor()
    const line = await page.evaluate(() => {
      const mark = document.querySelector('.cm-lintRange-error')
      const row = mark?.closest('.cm-line')
      return row ? [...(row.parentElement?.children ?? [])].indexOf(row) + 1 : 0
    })
    expect(line).toBe(2)
    await page.screenshot({ path: `${SHOTS}05-syntax-error.png` })
  }, 60_000)

  it('shows the lines a failed script printed before its error', async () => {
    await page.selectOption('#language', 'lua')
    await setSource('print("step 1")\nprint("step 2")\nerror("boom")')
    await runAndWait(() => page.click('#run'))
    expect(await page.textContent('#error')).toMatch(/^ScriptRuntimeError on line 3: /)
    expect(await page.textContent('#logs')).toBe('step 1\nstep 2')
    expect(await page.textContent('#result')).toBe('—')
  }, 60_000)

  it('shows every value of a Lua multiple return, each apart', async () => {
    // before: only the first ('a') under Result, though the API answered both in `values`
    await page.selectOption('#language', 'lua')
    await setSource('return "a", {x=1}, nil')
    await runAndWait(() => page.click('#run'))
    // Lua's nil reads nil, as the CLI prints it (before: null)
    expect(await page.locator('#result .value').allTextContents()).toEqual(["'a'", '{ x: 1 }', 'nil'])
    await page.screenshot({ path: `${SHOTS}07-multiple-values.png` })
    await setSource('return "only"')
    await runAndWait(() => page.click('#run'))
    expect(await page.textContent('#result')).toBe("'only'")
    expect(await page.locator('#result .value').count()).toBe(0)
  }, 60_000)

  it('a long source line scrolls in the editor; the output pane keeps its width and wraps the error', async () => {
    // before: one ~150-character line widened the editor column, squeezing the output pane to
    // ~130 px, and the error ran out of view ("ScriptRuntimeErr…")
    await page.selectOption('#language', 'js')
    const long = `console.log("${'x'.repeat(60)}"); throw new Error("${'y'.repeat(40)} ${'LongIdentifierWithoutSpaces'.repeat(6)}")`
    await setSource(long)
    await runAndWait(() => page.click('#run'))
    expect(await page.textContent('#error')).toMatch(/^ScriptRuntimeError on line 1: /)
    const box = (sel: string) =>
      page.evaluate((q) => {
        const el = document.querySelector(q) as HTMLElement
        const r = el.getBoundingClientRect()
        return { left: r.left, right: r.right, width: r.width, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }
      }, sel)
    const pane = await box('#output-pane')
    const error = await box('#error')
    const viewport = page.viewportSize()?.width ?? 0
    // the grid's 2fr of the width, less the border
    expect(pane.width).toBeGreaterThan(viewport * 0.35)
    expect(pane.right).toBeLessThanOrEqual(viewport + 1)
    // the error wraps inside the pane: nothing of it beyond the pane's right edge
    expect(error.scrollWidth).toBeLessThanOrEqual(error.clientWidth + 1)
    expect(error.right).toBeLessThanOrEqual(pane.right)
    // the editor scrolls horizontally instead
    const scroller = await box('.cm-scroller')
    expect(scroller.scrollWidth).toBeGreaterThan(scroller.clientWidth)
    await page.screenshot({ path: `${SHOTS}08-long-line.png` })
  }, 60_000)

  it('stops a runaway script and shows the limit; the metrics panel updates', async () => {
    const before = Number(await page.getAttribute('#metrics', 'data-executions'))
    await page.selectOption('#language', 'lua')
    await page.fill('#limit-instructions', '200000')
    await setSource('while true do end')
    await runAndWait(() => page.click('#run'))
    expect(await page.textContent('#error')).toMatch(/^Stopped by the instructions limit \(limit 200000, used \d+\)$/)
    await expect
      .poll(async () => Number(await page.getAttribute('#metrics', 'data-executions')), { timeout: 10_000 })
      .toBeGreaterThan(before)
    await expect.poll(() => page.textContent('#metrics'), { timeout: 10_000 }).toMatch(/limit tripsinstructions: 1/)
    expect(await page.locator('#history li').count()).toBeGreaterThanOrEqual(4)
    await page.screenshot({ path: `${SHOTS}06-runaway-metrics.png` })
  }, 60_000)

  it('a full localStorage never fails a run: the oldest history entries are left out of what is saved', async () => {
    /** Fills localStorage leaving about `free` characters: filler items of shrinking sizes until none fits. */
    const fill = (free: number) =>
      page.evaluate((room) => {
        localStorage.clear()
        if (room > 0) localStorage.setItem('reserve', 'r'.repeat(room))
        let stored = 0
        let n = 0
        for (let size = 1 << 20; size >= 1; size >>= 2) {
          const chunk = 'f'.repeat(size)
          try {
            for (;;) {
              localStorage.setItem(`filler${n++}`, chunk)
              stored += size
            }
          } catch {
            // full at this size: go on with smaller ones
          }
        }
        localStorage.removeItem('reserve')
        return stored
      }, free)
    const saved = () => page.evaluate(() => JSON.parse(localStorage.getItem('polyhost.history') ?? 'null'))
    const status = async () => ({ status: await page.textContent('#status'), result: await page.textContent('#result') })
    await page.selectOption('#language', 'lua')
    await page.fill('#limit-instructions', '')
    expect(await fill(40_000)).toBeGreaterThan(100_000)
    const before = await page.locator('#history li').count()
    for (let i = 0; i < 3; i++) {
      await setSource(`return ${i} --${'q'.repeat(15_000)}`)
      await runAndWait(() => page.click('#run'))
      expect(await status()).toEqual({ status: 'done', result: String(i) })
    }
    // the page lists every run; localStorage holds the newest that fit
    expect(await page.locator('#history li').count()).toBe(Math.min(before + 3, 30))
    const kept = await saved()
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(3)
    expect(kept[0].source).toMatch(/^return 2 --q+$/)
    // nothing fits at all: the run still succeeds
    await fill(0)
    await setSource('return 42')
    await runAndWait(() => page.click('#run'))
    expect(await status()).toEqual({ status: 'done', result: '42' })
    expect(await page.textContent('#error')).not.toMatch(/setItem|quota/i)
    // a source too large to keep is saved without it
    await page.evaluate(() => localStorage.clear())
    await setSource(`return 7 --${'q'.repeat(40_000)}`)
    await runAndWait(() => page.click('#run'))
    expect(await status()).toEqual({ status: 'done', result: '7' })
    expect((await saved())[0]).toMatchObject({ source: '', omitted: true, outcome: 'ok: 7' })
    await page.evaluate(() => localStorage.clear())
    await page.screenshot({ path: `${SHOTS}09-history-quota.png` })
  }, 120_000)
})
