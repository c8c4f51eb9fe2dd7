import type { Language } from './editor.js'

/** One run in the page's history. */
export interface HistoryItem {
  readonly language: Language
  /** Empty when `omitted`: the source was too large to keep in localStorage. */
  readonly source: string
  readonly outcome: string
  readonly at: number
  readonly omitted?: boolean
}

const KEY = 'polyhost.history'
/** Runs kept. */
const MAX_ITEMS = 30
/**
 * Sources longer than this (in UTF-16 units) are not saved: a few scripts near the 256 KiB body
 * limit would fill localStorage's ~5 M characters. The page keeps them until it is reloaded.
 */
export const MAX_SAVED_SOURCE = 32 * 1024

/**
 * The last runs, newest first, kept in localStorage. Saving never fails a run: localStorage may
 * be full (QuotaExceededError), disabled (SecurityError) or hold something unreadable. When
 * the list does not fit, the oldest entries are left out of what is saved until it does; when
 * not even the newest fits, nothing is saved.
 */
export class RunHistory {
  readonly items: HistoryItem[]

  constructor(private readonly storage: Storage | undefined = storageOrUndefined()) {
    this.items = load(storage)
  }

  /** Adds a run (newest first, at most 30) and saves what fits. */
  add(item: HistoryItem): void {
    this.items.unshift(item)
    this.items.length = Math.min(this.items.length, MAX_ITEMS)
    this.save()
  }

  // --- internal ---

  private save(): void {
    if (!this.storage) return
    const saved = this.items.map((i) => (i.source.length > MAX_SAVED_SOURCE ? { ...i, source: '', omitted: true } : i))
    for (let n = saved.length; n > 0; n--) {
      try {
        this.storage.setItem(KEY, JSON.stringify(saved.slice(0, n)))
        return
      } catch {
        // full (or refused): try again without the oldest entry
      }
    }
    try {
      this.storage.removeItem(KEY)
    } catch {
      // storage refused altogether: the history lives as long as the page
    }
  }
}

// --- internal ---

function storageOrUndefined(): Storage | undefined {
  try {
    return window.localStorage
  } catch {
    return undefined
  }
}

/** The saved runs; anything unreadable is skipped (a broken value must not stop the page). */
function load(storage: Storage | undefined): HistoryItem[] {
  let value: unknown
  try {
    value = JSON.parse(storage?.getItem(KEY) ?? '[]')
  } catch {
    return []
  }
  if (!Array.isArray(value)) return []
  return value.filter(isItem).slice(0, MAX_ITEMS)
}

function isItem(v: unknown): v is HistoryItem {
  if (!v || typeof v !== 'object') return false
  const i = v as Record<string, unknown>
  return (
    (i.language === 'lua' || i.language === 'js') &&
    typeof i.source === 'string' &&
    typeof i.outcome === 'string' &&
    typeof i.at === 'number'
  )
}
