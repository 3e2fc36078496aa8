/**
 * One in-process controller replica of the local setup, wired by the same `buildController` as
 * the CLI; its adapters are wrapped so that `kill()` acts as a SIGKILL and writes by a replica
 * that does not hold the Lease are counted (split brain).
 */
import { buildController, type ControllerOptions } from '../src/build-controller.js';
import type { Controller } from '../src/controller.js';
import type { LeaderElector } from '../src/elector.js';
import type { Replica } from '../src/runner.js';
import { enabled, formatLogLine, type Level } from './local-log.js';

/** One in-process controller replica; `kill()` is a SIGKILL: no more calls of any kind. */
export interface LocalReplica {
  identity: string;
  controller: Controller;
  elector: LeaderElector;
  runner: Replica;
  killed: boolean;
  kill(): Promise<void>;
}

const writes = new Set([
  'recordMode',
  'scale',
  'saveState',
  'completeRequest',
  'emitEvent',
  'setDials',
]);

export interface ReplicaSetup {
  /** The options every replica shares (all but identity, log and the adapter wrapper). */
  options: Omit<ControllerOptions, 'identity' | 'log' | 'wrap'>;
  log: (line: string) => void;
  /** Lines below this level are dropped (`LOG_LEVEL` of `npm run local`; default info). */
  logLevel?: Level;
  /** The Lease holder's identity right now. */
  holder(): string | undefined;
  /** Called for each write by a replica that is not the Lease holder. */
  onSplitBrainWrite(): void;
}

/** Wraps an adapter: refuses everything once killed; reports writes by a non-holder. */
function guardCalls<T extends object>(
  target: T,
  identity: string,
  dead: () => boolean,
  setup: ReplicaSetup,
): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (dead()) return Promise.reject(new Error(`${identity} was killed`));
        if (writes.has(String(key)) && setup.holder() !== identity) setup.onSplitBrainWrite();
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}

function startLocalReplica(identity: string, setup: ReplicaSetup): LocalReplica {
  let dead = false;
  const threshold = setup.logLevel ?? 'info';
  const line = (level: Level) => (obj: object, msg: string) => {
    if (!enabled(level, threshold)) return;
    setup.log(formatLogLine(new Date(), level, identity, msg, obj as Record<string, unknown>));
  };
  const built = buildController({
    ...setup.options,
    identity,
    log: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    wrap: (adapter) => guardCalls(adapter, identity, () => dead, setup),
  });
  const replica: LocalReplica = {
    identity,
    controller: built.controller,
    elector: built.elector,
    runner: built.replica,
    killed: false,
    kill: async () => {
      dead = true;
      replica.killed = true;
      await built.replica.stop({ release: false });
    },
  };
  return replica;
}

/** replica-a, then replica-b a moment later, so a leads first (the drill kills the leader). */
export async function startReplicaPair(setup: ReplicaSetup): Promise<LocalReplica[]> {
  const replicas = [startLocalReplica('replica-a', setup)];
  await new Promise((resolve) =>
    setTimeout(resolve, Math.min(1000, setup.options.lease.retryPeriodMs)),
  );
  replicas.push(startLocalReplica('replica-b', setup));
  return replicas;
}
