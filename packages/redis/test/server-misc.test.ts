import { describeCases } from './corpus-runner.js'
import { SERVER_MISC_CASES } from './corpus/server-misc.js'

describeCases('LASTSAVE, LOLWUT, PFSELFTEST, MEMORY USAGE, PFDEBUG, INFO keyspace', SERVER_MISC_CASES)
