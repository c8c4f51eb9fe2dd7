import { arrayShapeArea } from './areas/array-shape.js'
import { bridgesArea } from './areas/bridges.js'
import { cacheArea } from './areas/cache.js'
import { conversionDeadlineArea } from './areas/conversion-deadline.js'
import { errorsArea } from './areas/errors.js'
import { globalsArea } from './areas/globals.js'
import { isolationArea } from './areas/isolation.js'
import { limitsArea } from './areas/limits.js'
import { logsArea } from './areas/logs.js'
import { modulesArea } from './areas/modules.js'
import { parityArea } from './areas/parity.js'
import { parityErrorsArea } from './areas/parity-errors.js'
import { poolArea } from './areas/pool.js'
import { recursionDepthArea } from './areas/recursion-depth.js'
import { resultsDataOnlyArea } from './areas/results-data-only.js'
import { scriptNamesArea } from './areas/script-names.js'
import { tenantsArea } from './areas/tenants.js'
import { valuesHostArea } from './areas/values-host.js'
import { valuesScriptArea } from './areas/values-script.js'
import type { ConformanceArea } from './types.js'

/** Every area of the kit, in the order they run. */
export const ALL_AREAS: readonly ConformanceArea[] = [
  valuesHostArea,
  valuesScriptArea,
  globalsArea,
  errorsArea,
  bridgesArea,
  resultsDataOnlyArea,
  limitsArea,
  conversionDeadlineArea,
  isolationArea,
  tenantsArea,
  poolArea,
  cacheArea,
  modulesArea,
  logsArea,
  recursionDepthArea,
  arrayShapeArea,
  parityArea,
  parityErrorsArea,
  scriptNamesArea,
]
