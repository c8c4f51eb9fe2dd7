import type { EngineCapabilities } from '@polyhost/core/engine'

/** Version of this engine and of the QuickJS it embeds; part of compile-cache keys. */
export const JS_ENGINE_VERSION = '0.1.0+quickjs-emscripten-0.32.0'

/**
 * What the QuickJS engine enforces, and how faithfully (see README "Limits"):
 * - instructions: interrupt-handler ticks (calls + backward branches), checked every 1,000
 *   (QuickJS's own 10,000 where its tick counter cannot be found: interrupt-counter.ts);
 * - timeout: interrupt handler plus host-clock checks between job batches and awaits;
 * - memory: a hard cap on heap growth of the state's own WebAssembly.Memory; allocations
 *   may fail up to a few percent early (page granularity, Emscripten over-allocation);
 * - stack: `setMaxStackSize` sized from the frame limit; QuickJS frames vary in size;
 * - bridgeCalls, output: counted exactly by core.
 */
export const JS_CAPABILITIES: EngineCapabilities = Object.freeze({
  limits: Object.freeze({
    instructions: 'approximate',
    timeout: 'exact',
    memory: 'approximate',
    stack: 'approximate',
    bridgeCalls: 'exact',
    output: 'exact',
  }),
  asyncBridges: true,
  modules: true,
  multipleReturns: false,
  undefinedValue: true,
})
