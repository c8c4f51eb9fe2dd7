import { connect } from 'node:net'
import { ErrorReply, type Reply, StatusReply } from '../src/index.js'

// Replies compared as the raw RESP2 text redis-server writes: status beside bulk, integers'
// digits, nesting deeper than ioredis parses.

/** The RESP text of argv's reply from a server (a PING after it marks its end). */
export async function rawReply(port: number, argv: readonly string[]): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  const frame = (a: readonly string[]) => `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('')}`
  socket.write(frame(argv) + frame(['PING']))
  let text = ''
  for await (const chunk of socket) {
    text += (chunk as Buffer).toString('latin1')
    if (text.endsWith('+PONG\r\n')) break
  }
  socket.destroy()
  return text.slice(0, -'+PONG\r\n'.length)
}

/** The reply model as RESP2, as redis-server writes it (iterative: the nesting is thousands deep). */
export function toResp(reply: Reply): string {
  const parts: string[] = []
  const todo: Reply[] = [reply]
  while (todo.length > 0) {
    const r = todo.pop() as Reply
    if (r === null) parts.push('$-1\r\n')
    else if (Buffer.isBuffer(r)) parts.push(`$${r.length}\r\n${r.toString('latin1')}\r\n`)
    else if (typeof r === 'number' || typeof r === 'bigint') parts.push(`:${r}\r\n`)
    else if (r instanceof StatusReply) parts.push(`+${r.status}\r\n`)
    else if (r instanceof ErrorReply) parts.push(`-${r.message}\r\n`)
    else {
      const a = r as readonly Reply[]
      parts.push(`*${a.length}\r\n`)
      for (let i = a.length - 1; i >= 0; i--) todo.push(a[i] as Reply)
    }
  }
  return parts.join('')
}
