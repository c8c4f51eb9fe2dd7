/**
 * A writer to `stream` (standard output or error) that stops once the reader has closed its
 * end: `polyhost eval … | head -n 1` closes the pipe after one line, and every write after that
 * fails with EPIPE. Node ignores SIGPIPE, so without a listener that failure is an unhandled
 * 'error' event: a stack trace on stderr and exit 1 in place of the run's own code. With it,
 * the rest of the output is dropped and the command ends with the exit code the run had (0 for
 * a run that succeeded), as documented in the README. Any other write error still throws.
 *
 * The listener is added on the first write, so importing the CLI as a library leaves the
 * process's streams alone.
 */
export function closedPipeWriter(stream: NodeJS.WritableStream): (text: string) => void {
  let closed = false
  let listening = false
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') closed = true
    else throw e
  }
  return (text) => {
    if (closed) return
    if (!listening) {
      listening = true
      stream.on('error', onError)
    }
    stream.write(text)
  }
}
