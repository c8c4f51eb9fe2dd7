import type { ConformanceArea } from './types.js'

/** Every area of the kit, in the order they run. */
export const ALL_AREAS: readonly ConformanceArea[] = []
