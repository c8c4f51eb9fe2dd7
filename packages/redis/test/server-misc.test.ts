import { describeCases } from './corpus-runner.js'
import { COMMAND_TABLE_CASES, SERVER_MISC_CASES } from './corpus/server-misc.js'

describeCases('LASTSAVE, LOLWUT, PFSELFTEST, MEMORY USAGE, PFDEBUG, INFO keyspace, COMMAND', [...SERVER_MISC_CASES, ...COMMAND_TABLE_CASES])
