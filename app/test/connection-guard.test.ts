import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectionGuard } from '../src/server.js';

/** Just what the guard uses of a socket: `once('close')` and `destroy()`. */
function fakeSocket(name: string, destroyed: string[]): Socket {
  const emitter = new EventEmitter();
  return Object.assign(emitter, {
    destroy() {
      destroyed.push(name);
      emitter.emit('close');
    },
  }) as unknown as Socket;
}

describe('ConnectionGuard', () => {
  it('past the cap, evicts the oldest connection without a request', () => {
    const destroyed: string[] = [];
    const guard = new ConnectionGuard(2);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => fakeSocket(n, destroyed));
    guard.opened(a as Socket);
    guard.opened(b as Socket);
    guard.served(a as Socket); // a sent a request: not evictable
    guard.opened(c as Socket); // evicts b, the oldest fresh one
    expect(destroyed).toEqual(['b']);
    guard.opened(d as Socket); // evicts c
    expect(destroyed).toEqual(['b', 'c']);
    expect(guard.rejected).toBe(2);
  });

  it('closes the newcomer when every open connection has been served', () => {
    const destroyed: string[] = [];
    const guard = new ConnectionGuard(1);
    const [a, b] = ['a', 'b'].map((n) => fakeSocket(n, destroyed));
    guard.opened(a as Socket);
    guard.served(a as Socket);
    guard.opened(b as Socket);
    expect(destroyed).toEqual(['b']);
    expect(guard.rejected).toBe(1);
    (a as Socket).destroy();
    const c = fakeSocket('c', destroyed);
    guard.opened(c); // a closed: room again
    expect(destroyed).toEqual(['b', 'a']);
  });
});
