import { type Socket, connect } from 'node:net'

/** A RESP2 reply as the wire has it: integers as their digits, so none loses a digit past 2^53. */
export type Resp = { readonly int: string } | { readonly status: string } | { readonly error: string } | Buffer | null | Resp[]

/**
 * A minimal RESP2 client over one socket, one command at a time: what ioredis cannot give
 * exactly (an integer reply's digits past 2^53, status beside bulk), for differential tests.
 */
export class RespClient {
  private buffered = Buffer.alloc(0)
  private waiting: ((r: Resp) => void) | undefined

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk])
      this.drain()
    })
  }

  static open(port: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RespClient(socket)))
      socket.once('error', reject)
    })
  }

  /** Sends `argv` and answers its reply. */
  call(argv: readonly (string | Buffer)[]): Promise<Resp> {
    const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)]
    for (const a of argv) {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(a)
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'))
    }
    return new Promise((resolve) => {
      this.waiting = resolve
      this.socket.write(Buffer.concat(parts))
    })
  }

  close(): void {
    this.socket.destroy()
  }

  private drain(): void {
    const st = { pos: 0 }
    const r = parse(this.buffered, st)
    if (r === INCOMPLETE || !this.waiting) return
    this.buffered = this.buffered.subarray(st.pos)
    const w = this.waiting
    this.waiting = undefined
    w(r)
  }
}

const INCOMPLETE = Symbol('incomplete')

function parse(b: Buffer, st: { pos: number }): Resp | typeof INCOMPLETE {
  const eol = b.indexOf('\r\n', st.pos)
  if (eol < 0) return INCOMPLETE
  const kind = String.fromCharCode(b[st.pos] as number)
  const line = b.toString('latin1', st.pos + 1, eol)
  st.pos = eol + 2
  if (kind === '+') return { status: Buffer.from(line, 'latin1').toString('utf8') }
  if (kind === '-') return { error: Buffer.from(line, 'latin1').toString('utf8') }
  if (kind === ':') return { int: line }
  const n = Number(line)
  if (kind === '$') {
    if (n < 0) return null
    if (b.length < st.pos + n + 2) return INCOMPLETE
    const body = Buffer.from(b.subarray(st.pos, st.pos + n))
    st.pos += n + 2
    return body
  }
  if (n < 0) return null
  const out: Resp[] = []
  for (let i = 0; i < n; i++) {
    const r = parse(b, st)
    if (r === INCOMPLETE) return INCOMPLETE
    out.push(r)
  }
  return out
}
