import type { Host, RunOptions, Script } from '@polyhost/core'

/** What running scripts needs of the host: compile, execute, and runs of compiled scripts. */
export interface ScriptHost extends Pick<Host, 'compile' | 'execute'> {
  /** Runs a script from `compile()` under the script limits. */
  run(script: Script, options: RunOptions): ReturnType<Script['run']>
}

/**
 * The host as scripts see it: every execution runs under the script limits, which may be
 * tighter than the host's own (those leave room to rebuild an engine state after a script
 * was stopped, outside any script's budget).
 */
export function withScriptLimits(host: Host, limits: { readonly timeoutMs: number } | undefined): ScriptHost {
  return {
    compile: (req) => host.compile(req),
    execute: (req) => host.execute(limits ? { ...req, limits: { ...limits, ...req.limits } } : req),
    run: (script, options) => script.run(limits ? { ...options, limits: { ...limits, ...options.limits } } : options),
  }
}
