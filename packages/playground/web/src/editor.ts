import { javascript } from '@codemirror/lang-javascript'
import { StreamLanguage } from '@codemirror/language'
import { lua } from '@codemirror/legacy-modes/mode/lua'
import { type Diagnostic, setDiagnostics } from '@codemirror/lint'
import { Compartment, EditorState, Prec } from '@codemirror/state'
import { keymap } from '@codemirror/view'
import { basicSetup, EditorView } from 'codemirror'
import { type TypingsModel, typingsCompletions } from './completions.js'

export type Language = 'lua' | 'js'

/**
 * Who set an error mark: the syntax check (cleared when a later check passes) or a run, whose
 * runtime error stays marked until the next run; a run's syntax error is the check's to clear.
 */
export type MarkKind = 'syntax' | 'runtime'

/** The script editor: CodeMirror 6 with Lua/JS highlighting, typings completions and error marks. */
export class ScriptEditor {
  readonly view: EditorView
  private readonly language = new Compartment()
  private model: TypingsModel | undefined
  private readonly marks = new Map<MarkKind, { message: string; line: number | undefined }>()

  constructor(parent: HTMLElement, doc: string, lang: Language, onRun: () => void, onChange: () => void) {
    // one source for the editor's life: the completion state tells sources apart by identity
    const completions = typingsCompletions(() => this.model)
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc,
        extensions: [
          Prec.highest(
            keymap.of([
              {
                key: 'Mod-Enter',
                run: () => {
                  onRun()
                  return true
                },
                preventDefault: true,
              },
            ]),
          ),
          basicSetup,
          this.language.of(languageOf(lang)),
          EditorState.languageData.of(() => [{ autocomplete: completions }]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange()
          }),
        ],
      }),
    })
  }

  get text(): string {
    return this.view.state.doc.toString()
  }

  set text(value: string) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: value } })
  }

  setLanguage(lang: Language): void {
    this.view.dispatch({ effects: this.language.reconfigure(languageOf(lang)) })
  }

  setTypings(model: TypingsModel | undefined): void {
    this.model = model
  }

  /** Marks an error of `kind` on its line (1-based; without a line, the first), in place of that kind's last. */
  markError(kind: MarkKind, message: string, line: number | undefined): void {
    this.marks.set(kind, { message, line })
    this.showMarks()
  }

  /** Clears the marks of `kind`, or every mark. */
  clearMarks(kind?: MarkKind): void {
    if (kind) this.marks.delete(kind)
    else this.marks.clear()
    this.showMarks()
  }

  private showMarks(): void {
    const doc = this.view.state.doc
    const diagnostics = [...this.marks.values()].map(({ message, line }): Diagnostic => {
      const l = doc.line(Math.min(Math.max(line ?? 1, 1), doc.lines))
      return { from: l.from, to: Math.max(l.to, l.from), severity: 'error', message, source: 'polyhost' }
    })
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics))
  }
}

function languageOf(lang: Language) {
  return lang === 'lua' ? StreamLanguage.define(lua) : javascript()
}
