import { describeCases } from './corpus-runner.js'
import { HLL_CASES, HLL_WATCH_CASES, randomHllCases } from './corpus/hyperloglog.js'

describeCases('HyperLogLog commands', [...HLL_CASES, ...HLL_WATCH_CASES, ...[1, 2, 3].map((seed) => randomHllCases(seed, 300))])
