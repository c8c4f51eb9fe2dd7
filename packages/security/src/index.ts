export { describeValue, PolicyError, PolyhostError, quoteText } from './errors.js'
export {
  FORBIDDEN_LIBRARIES,
  KNOWN_LIBRARIES,
  type LibraryName,
  matchesPattern,
  RISKY_LIBRARIES,
  SAFE_LIBRARIES,
} from './libraries.js'
export {
  LIMIT_KEYS,
  LIMIT_NAMES,
  type LimitKey,
  type LimitName,
  type Limits,
  limitsSchema,
  lazySchema,
  zodV3,
  limitValueProblem,
  MAX_TIMER_MS,
  overrideLimits,
  parseLimits,
  type ResolvedLimits,
  tightenLimits,
} from './limits.js'
export { type ResolvedPolicy, SecurityManager } from './manager.js'
export { MAX_DATE_MS, MODULE_NAME, type PolicyInput, parsePolicy, type SecurityPolicy, securityPolicySchema } from './policy.js'
export { PRESET_NAMES, PRESETS, type PresetDefinition, type PresetName } from './presets.js'
