import { describeCases } from './corpus-runner.js'
import { SCAN_REWRITE_CASES } from './corpus/scan-rewrites.js'

describeCases('SCAN while a script rewrites the keys it is given', SCAN_REWRITE_CASES)
