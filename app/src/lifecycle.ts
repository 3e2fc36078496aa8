/**
 * Process phases: `starting` until the listener is up, `ready` while serving normally,
 * `stopping` from the termination signal (readiness 503, still serving through the pre-stop
 * delay), `draining` once the listener is closed (responses carry `Connection: close`).
 */
export type Phase = 'starting' | 'ready' | 'stopping' | 'draining';

/** Mutable holder of the current phase, shared by the HTTP handler and the shutdown sequence. */
export class Lifecycle {
  phase: Phase = 'starting';

  get ready(): boolean {
    return this.phase === 'ready';
  }

  get draining(): boolean {
    return this.phase === 'draining';
  }
}
