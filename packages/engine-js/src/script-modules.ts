import type { Execution, ModuleDefinition, ModuleRegistryView } from '@polyhost/core/engine'
import type { JSModuleLoadResult, JSModuleNormalizeResult } from 'quickjs-emscripten-core'

/** Imported modules stay in a context; past this many the state is replaced. */
const MAX_MODULE_LOADS = 256

/**
 * The module loader of one state: `import` resolves only modules registered for JS that the
 * running execution's policy allows, and each execution gets fresh instances (names carry
 * the run token, `util#7`), so module-level state never carries over to the next script.
 */
export class ScriptModules {
  private loads = 0

  constructor(
    private readonly modules: ModuleRegistryView,
    /** The running execution and its run token (undefined between executions). */
    private readonly running: () => { readonly execution: Execution | undefined; readonly token: number },
  ) {}

  /** Whether so many instances were loaded that the state should be replaced. */
  get exhausted(): boolean {
    return this.loads > MAX_MODULE_LOADS
  }

  normalize(requested: string): JSModuleNormalizeResult {
    const { execution, token } = this.running()
    const sec = execution?.init.security
    const allowed = sec?.isAllowed('require') && sec.isModuleAllowed(requested) && this.find(requested)
    return allowed ? `${requested}#${token}` : `${requested}#denied`
  }

  load(name: string): JSModuleLoadResult {
    const { execution, token } = this.running()
    const m = /^(.*)#(\d+)$/.exec(name)
    const def = m && Number(m[2]) === token && execution ? this.find(m[1] as string) : undefined
    if (!def) return { error: new Error(`module '${name.replace(/#\w+$/, '')}' is not available`) }
    this.loads++
    return def.source
  }

  // --- internal ---

  private find(name: string): ModuleDefinition | undefined {
    return this.modules.get(name, 'js') ?? this.modules.get(name, 'javascript')
  }
}
