import type { ControllerDeps } from './controller-deps.js';
import { FailoverError } from './errors.js';
import type { Action } from './state.js';

/** Performs one of the machine's actions against the adapters (Events: the controller's own path). */
export async function runAction(
  d: Pick<ControllerDeps, 'kube' | 'ga'>,
  action: Action,
  signal: AbortSignal,
): Promise<void> {
  switch (action.type) {
    case 'record-mode':
      return d.kube.recordMode(action.mode, action.minReplicas, signal);
    case 'scale':
      return d.kube.scale(action.minReplicas, signal);
    case 'set-dials':
      return d.ga.setDials(action.dials, signal);
    case 'emit-event':
      return;
    case 'wait-ready': {
      const ready = await d.kube.readyReplicas(signal);
      if (ready < action.minReplicas) {
        throw new FailoverError('WAITING', `${ready}/${action.minReplicas} ready replicas`, true);
      }
      return;
    }
  }
}
