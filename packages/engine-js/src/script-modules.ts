import type { Execution, ModuleDefinition, ModuleRegistryView } from '@polyhost/core/engine'
import type { JSModuleLoadResult, JSModuleNormalizeResult } from 'quickjs-emscripten-core'

/** Imported modules stay in a context; past this many the state is replaced. */
const MAX_MODULE_LOADS = 256

/**
 * The module loader of one state: `import` resolves only modules registered for JS that the
 * running execution's policy allows, and each execution gets fresh instances (names carry
 * the execution's random tag, `util#k3x9…`), so module-level state never carries over to the
 * next script. The tag is random, not a count: QuickJS's own link errors name the instance
 * (`Could not find export 'x' in module 'util#…'`), and a count would tell a script how many
 * executions its state ran before (for other tenants too). Errors reported to the host read
 * the module's own name (JsState.ownModuleNames).
 */
export class ScriptModules {
  private loads = 0

  constructor(
    private readonly modules: ModuleRegistryView,
    /** The running execution and its run token (undefined between executions). */
    private readonly running: () => { readonly execution: Execution | undefined; readonly tag: string },
  ) {}

  /** Whether so many instances were loaded that the state should be replaced. */
  get exhausted(): boolean {
    return this.loads > MAX_MODULE_LOADS
  }

  normalize(requested: string): JSModuleNormalizeResult {
    const { execution, tag } = this.running()
    const sec = execution?.init.security
    const allowed = tag && sec?.isAllowed('require') && sec.isModuleAllowed(requested) && this.find(requested)
    return allowed ? `${requested}#${tag}` : `${requested}#denied`
  }

  load(name: string): JSModuleLoadResult {
    const { execution, tag } = this.running()
    const m = /^(.*)#([0-9a-z]+)$/.exec(name)
    const def = m && tag && m[2] === tag && execution ? this.find(m[1] as string) : undefined
    if (!def) return { error: new Error(`module '${name.replace(/#\w+$/, '')}' is not available`) }
    this.loads++
    return def.source
  }

  // --- internal ---

  private find(name: string): ModuleDefinition | undefined {
    return this.modules.get(name, 'js') ?? this.modules.get(name, 'javascript')
  }
}
