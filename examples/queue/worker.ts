/**
 * The worker process: runs the handlers on the queued events, 10 at a time per receiver; a handler that throws is
 * retried with backoff, and after its attempts the event is a dead letter (`receiver.deadLetters()`,
 * `receiver.replay(id)`). Start as many of these as you need; a SIGKILLed one loses nothing: its jobs go to
 * another worker once their lock expires.
 */
import { closeConnections, payments, repository } from './receivers.js'

const workers = [payments.work({ concurrency: 10 }), repository.work({ concurrency: 10 })]
console.log('worker started')

// A deploy: stop taking jobs and wait for the ones in progress (worker.close() drains), then close the
// connections. A job cut short by a harder kill is not lost either: it runs again on another worker.
process.once('SIGTERM', () => {
  void Promise.all(workers.map((worker) => worker.close()))
    .then(closeConnections)
    .then(() => console.log('worker closed'))
})
