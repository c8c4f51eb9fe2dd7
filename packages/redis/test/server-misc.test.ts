import { describeCases } from './corpus-runner.js'
import { SERVER_MISC_CASES } from './corpus/server-misc.js'

describeCases('INFO keyspace', SERVER_MISC_CASES)
