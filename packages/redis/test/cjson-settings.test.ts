import { describeCases } from './corpus-runner.js'
import { CJSON_SETTINGS_CASES } from './corpus/cjson-settings.js'

describeCases('cjson settings functions (encode_*, decode_*, new)', CJSON_SETTINGS_CASES)
