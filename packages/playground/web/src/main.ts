import type { TypingsModel } from './completions.js'
import { fillTable } from './dom.js'
import { type Language, ScriptEditor } from './editor.js'
import { type HistoryItem, RunHistory } from './history.js'
import { MetricsPanel } from './metrics-panel.js'

const SAMPLES: Record<Language, string> = {
  lua: 'local n = 0\nfor i = 1, 10 do n = n + i end\nprint("sum", n)\nreturn n\n',
  js: 'let n = 0\nfor (let i = 1; i <= 10; i++) n += i\nconsole.log("sum", n)\nn\n',
}
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

interface Failure {
  name: string
  message: string
  line?: number
  limit?: string
  used?: number
  max?: number
  path?: string
}

const languageSelect = $<HTMLSelectElement>('language')
const presetSelect = $<HTMLSelectElement>('preset')
const runButton = $<HTMLButtonElement>('run')
const typings: Partial<Record<Language, TypingsModel>> = {}
const history = new RunHistory()
let checkTimer: ReturnType<typeof setTimeout> | undefined
/** A run is under way: Run is disabled and Ctrl/Cmd+Enter, which calls `run` too, does nothing. */
let running = false

const editor = new ScriptEditor($('editor'), SAMPLES.lua, 'lua', () => void run(), scheduleCheck)
// the editor is usable from here; `ready` below also waits for the API (first use creates the host)
document.body.dataset.editorAt = performance.now().toFixed(0)
void init()

async function init(): Promise<void> {
  runButton.addEventListener('click', () => void run())
  languageSelect.addEventListener('change', () => void switchLanguage(languageSelect.value as Language))
  presetSelect.addEventListener('change', () => void loadTypings(current(), true))
  const info = await api('GET', '/api/info')
  if (info.presets.length === 0) $('preset-label').hidden = true
  for (const p of info.presets as string[]) presetSelect.add(new Option(p, p, p === info.defaultPreset, p === info.defaultPreset))
  renderHistory()
  await loadTypings('lua')
  new MetricsPanel($('metrics'), $('metrics-at'), () => api('GET', '/api/stats')).start()
  document.body.dataset.readyAt = performance.now().toFixed(0)
  document.body.dataset.ready = 'true'
}

function current(): Language {
  return languageSelect.value as Language
}

async function switchLanguage(lang: Language): Promise<void> {
  const other: Language = lang === 'lua' ? 'js' : 'lua'
  if (editor.text.trim() === '' || editor.text === SAMPLES[other]) editor.text = SAMPLES[lang]
  editor.setLanguage(lang)
  editor.clearMarks()
  await loadTypings(lang)
}

async function loadTypings(lang: Language, reload = false): Promise<void> {
  if (!typings[lang] || reload) typings[lang] = await api('GET', `/api/typings?lang=${lang}&format=json${presetParam('&')}`)
  if (lang === current()) editor.setTypings(typings[lang])
}

function presetParam(sep: string): string {
  return presetSelect.value ? `${sep}policy=${encodeURIComponent(presetSelect.value)}` : ''
}

/** Reads the JSON inputs; a bad one is shown and stops the run. */
function inputs(): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = {}
  for (const field of ['globals', 'context'] as const) {
    const text = $<HTMLTextAreaElement>(field).value.trim() || '{}'
    try {
      const value = JSON.parse(text)
      // an empty object means "none": a declared context is only checked when one is passed
      if (!(value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)) body[field] = value
    } catch (e) {
      showError({ name: 'InputError', message: `${field} is not valid JSON: ${(e as Error).message}` })
      return undefined
    }
  }
  const limits: Record<string, number> = {}
  for (const k of ['timeoutMs', 'instructions', 'memoryBytes']) {
    const v = $<HTMLInputElement>(`limit-${k}`).value
    if (v) limits[k] = Number(v)
  }
  if (Object.keys(limits).length) body.limits = limits
  if (presetSelect.value && !$('preset-label').hidden) body.policy = presetSelect.value
  return body
}

async function run(): Promise<void> {
  // one run at a time, whichever way it was asked for: a second one's answer could arrive
  // first, and the first one's would then show beside the second's source
  if (running) return
  const extra = inputs()
  if (!extra) return
  const language = current()
  const source = editor.text
  running = true
  runButton.disabled = true
  $('status').textContent = 'running…'
  editor.clearMarks()
  try {
    const r = await api('POST', '/api/execute', { language, source, ...extra })
    if (r.ok) {
      // a Lua multiple return shows every value, as the CLI prints one per line
      // (`texts` is left out when it would only repeat `text`)
      const texts: string[] = r.texts && r.texts.length > 1 ? r.texts : [r.text]
      showResult(texts, r.logs, r.stats)
      remember({ language, source, outcome: `ok: ${texts.join(', ').slice(0, 40)}`, at: Date.now() })
    } else {
      // the lines the script printed before its error or limit
      showResult(undefined, r.logs ?? [], undefined)
      showError(r.error)
      remember({ language, source, outcome: r.error.limit ? `${r.error.limit} limit` : r.error.name, at: Date.now() })
    }
    $('status').textContent = r.ok ? 'done' : 'failed'
  } catch (e) {
    showError({ name: 'RequestError', message: (e as Error).message })
    $('status').textContent = 'failed'
  } finally {
    running = false
    runButton.disabled = false
  }
}

function scheduleCheck(): void {
  clearTimeout(checkTimer)
  checkTimer = setTimeout(async () => {
    const language = current()
    const source = editor.text
    const r = await api('POST', '/api/check', {
      language,
      source,
      ...(presetParam('') ? { policy: presetSelect.value } : {}),
    }).catch(() => undefined)
    // an answer about a source since edited (or switched language) is not this one's
    if (editor.text !== source || current() !== language) return
    // a passing check clears syntax marks only: a run's runtime error stays marked
    if (r && !r.ok && r.error.name === 'ScriptSyntaxError') editor.markError('syntax', r.error.message, r.error.line)
    else if (r?.ok) editor.clearMarks('syntax')
  }, 700)
}

function showResult(
  texts: readonly string[] | undefined,
  logs: { level: string; message: string }[],
  stats: Record<string, unknown> | undefined,
): void {
  const result = $('result')
  // one element per value, so values of several lines stay apart
  if (texts && texts.length > 1) {
    result.replaceChildren(
      ...texts.map((t) => {
        const el = document.createElement('div')
        el.className = 'value'
        el.textContent = t
        return el
      }),
    )
  } else result.textContent = texts?.[0] ?? '—'
  result.className = texts === undefined ? 'empty' : ''
  $('error').hidden = true
  const l = $('logs')
  l.textContent = logs.length ? logs.map((x) => (x.level === 'info' ? x.message : `[${x.level}] ${x.message}`)).join('\n') : '—'
  l.className = logs.length ? '' : 'empty'
  const rows: [string, string][] = stats
    ? [
        ['time', `${Number(stats.durationMs).toFixed(2)} ms`],
        ['instructions', String(stats.instructions)],
        ['memory', `${stats.memoryBytes} bytes`],
        ['bridge calls', String(stats.bridgeCalls)],
        ['cache hit', stats.compileCacheHit ? 'yes' : 'no'],
        ['engine', String(stats.engine)],
      ]
    : []
  fillTable($('stats'), rows)
}

function showError(e: Failure): void {
  const el = $('error')
  el.hidden = false
  el.textContent = e.limit
    ? `Stopped by the ${e.limit} limit (limit ${e.max}, used ${e.used})`
    : `${e.name}${e.line ? ` on line ${e.line}` : ''}: ${e.message}${e.path ? ` (at ${e.path})` : ''}`
  el.dataset.limit = e.limit ?? ''
  if (e.line || e.name === 'ScriptSyntaxError' || e.name === 'ScriptRuntimeError') {
    editor.markError(e.name === 'ScriptSyntaxError' ? 'syntax' : 'runtime', e.message, e.line)
  }
}

/** Adds a run to the history; never throws (a full localStorage must not fail the run). */
function remember(item: HistoryItem): void {
  history.add(item)
  renderHistory()
}

function renderHistory(): void {
  const list = $('history')
  list.replaceChildren(
    ...history.items.map((h) => {
      const li = document.createElement('li')
      li.textContent = `${new Date(h.at).toLocaleTimeString()} · ${h.language} · ${h.outcome}`
      li.title = h.omitted ? '(source too large to keep across reloads)' : h.source
      if (h.omitted) return li
      li.addEventListener('click', () => {
        languageSelect.value = h.language
        void switchLanguage(h.language).then(() => (editor.text = h.source))
      })
      return li
    }),
  )
}

// biome-ignore lint/suspicious/noExplicitAny: API answers are read field by field
async function api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
  const res = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  })
  const data = await res.json()
  if (!res.ok) throw new Error(data?.error?.message ?? `HTTP ${res.status}`)
  return data
}
