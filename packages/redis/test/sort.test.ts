import { describeCases } from './corpus-runner.js'
import { randomSortCases, SORT_CASES } from './corpus/sort.js'

describeCases('SORT and SORT_RO', [
  ...SORT_CASES,
  ...[1, 2, 3, 4].map((seed) => randomSortCases(seed, 200)),
  ...[5, 6, 7, 8].map((seed) => randomSortCases(seed, 200, true)),
])
