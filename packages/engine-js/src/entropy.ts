// The CSPRNG batching lives in core, shared with every engine (determinism.ts).
export { entropy53 } from '@polyhost/core/engine'
