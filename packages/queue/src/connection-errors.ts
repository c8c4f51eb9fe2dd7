/**
 * Reports a Redis connection error of one of this package's own clients as the 'error' event
 * of the BullMQ object it serves, when anyone listens there: ioredis reconnects by itself, and
 * an EventEmitter's 'error' without a listener would throw.
 */
export function reportError(emitter: { listenerCount(event: string): number; emit(event: string, e: Error): boolean }, e: Error): void {
  if (emitter.listenerCount('error') > 0) emitter.emit('error', e)
}
