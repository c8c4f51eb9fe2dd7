/// <reference lib="dom" />
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'
import { expect } from 'vitest'

/** The Chromium the browser tests drive; without one they are skipped. */
export const CHROMIUM = process.env.POLYHOST_CHROMIUM ?? '/usr/bin/chromium'
export const HAVE_CHROMIUM = existsSync(CHROMIUM)

/** Builds the page from web/src (so a test never sees a stale bundle) and launches headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  execFileSync(process.execPath, [new URL('../scripts/build-web.mjs', import.meta.url).pathname], { stdio: 'pipe' })
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Replaces the script as a user's paste does (typing would auto-close brackets and quotes). */
export async function setSource(page: Page, text: string): Promise<void> {
  await page.click('.cm-content')
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Delete')
  if (text === '') return
  await page.evaluate((t) => {
    const data = new DataTransfer()
    data.setData('text/plain', t)
    document
      .querySelector('.cm-content')
      ?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, text)
}

/** Starts a run with `trigger` and waits for its answer and for the page to show it. */
export async function runAndWait(page: Page, trigger: () => Promise<void>): Promise<void> {
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/execute'))
  await trigger()
  await answered
  await expect.poll(() => page.textContent('#status')).toMatch(/done|failed/)
}
