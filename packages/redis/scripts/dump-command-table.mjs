// Writes src/commands/command-table.ts from a redis-server 7.0.15's `COMMAND` reply (RESP2, status and
// bulk strings kept apart): node scripts/dump-command-table.mjs <port>
import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'

const port = Number(process.argv[2])
const socket = connect(port, '127.0.0.1')
let data = Buffer.alloc(0)
socket.write('*1\r\n$7\r\nCOMMAND\r\n')
socket.on('data', (chunk) => {
  data = Buffer.concat([data, chunk])
  const parsed = parse(0)
  if (!parsed) return
  socket.end()
  const [entries] = parsed
  entries.sort((a, b) => (a[0] < b[0] ? -1 : 1))
  const lines = entries.map((e) => `  ${JSON.stringify(JSON.stringify(e))},`)
  const head = [
    '/**',
    " * Redis 7.0.15's `COMMAND` reply, one JSON text per command (sorted by name), written by",
    ' * scripts/dump-command-table.mjs from a redis-server 7.0.15: bulk strings as',
    ' * JSON strings, status replies as `{"+": text}`, integers as numbers, arrays as arrays.',
    ' */',
    'export const COMMAND_TABLE: readonly string[] = [',
  ]
  writeFileSync(new URL('../src/commands/command-table.ts', import.meta.url), `${[...head, ...lines, ']'].join('\n')}\n`)
})

/** One RESP2 value at `at`: [value, next offset], or undefined when more bytes are needed. */
function parse(at) {
  const eol = data.indexOf('\r\n', at)
  if (eol < 0) return undefined
  const type = String.fromCharCode(data[at])
  const line = data.toString('latin1', at + 1, eol)
  if (type === '+') return [{ '+': line }, eol + 2]
  if (type === ':') return [Number(line), eol + 2]
  if (type === '$') {
    const n = Number(line)
    if (n < 0) return [null, eol + 2]
    if (data.length < eol + 2 + n + 2) return undefined
    return [data.toString('latin1', eol + 2, eol + 2 + n), eol + 2 + n + 2]
  }
  if (type === '*') {
    const out = []
    let p = eol + 2
    for (let i = 0; i < Number(line); i++) {
      const r = parse(p)
      if (!r) return undefined
      out.push(r[0])
      p = r[1]
    }
    return [out, p]
  }
  throw new Error(`unexpected RESP type ${type}`)
}
