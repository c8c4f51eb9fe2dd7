import { describeCases } from './corpus-runner.js'
import { GEO_CASES } from './corpus/geo.js'

describeCases('geo commands', GEO_CASES)
