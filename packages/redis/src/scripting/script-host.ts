import type { Host } from '@polyhost/core'

/** What running scripts needs of the host: compile and execute. */
export type ScriptHost = Pick<Host, 'compile' | 'execute'>

/**
 * The host as scripts see it: every execution runs under the script limits, which may be
 * tighter than the host's own (those leave room to rebuild an engine state after a script
 * was stopped, outside any script's budget).
 */
export function withScriptLimits(host: Host, limits: { readonly timeoutMs: number } | undefined): ScriptHost {
  if (limits === undefined) return host
  return {
    compile: (req) => host.compile(req),
    execute: (req) => host.execute({ ...req, limits: { ...limits, ...req.limits } }),
  }
}
