/** Guest helper functions returned by the setup script, called by the host by name. */
export const HELPER_NAMES = [
  'lockdown',
  'check',
  'install',
  'begin',
  'run',
  'baselineJson',
  'freeze',
  'intrinsicsJson',
  'reset',
  'parse',
  'plainJson',
  'kind',
  'keysJson',
  'mapObject',
  'bytes',
  'newBytes',
  'newDate',
  'dateMs',
  'className',
  'tag',
  'tagOf',
  'error',
  'describe',
  'stackHere',
] as const

export type HelperName = (typeof HELPER_NAMES)[number]
