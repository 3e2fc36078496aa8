import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
}

type Json = Record<string, unknown>;

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Json =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Json) }
      : {};
  for (const [k, v] of Object.entries(patch as Json)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const status = (code: number, reason: string, message: string): [number, Json] => [
  code,
  { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code },
];

/** The objects, and a stamp that gives an object the next resourceVersion. */
interface Store {
  objects: Map<string, Json>;
  stamp(o: Json): Json;
  next(): number;
}

/** One request against the store: the status code and body to answer with. */
function answer(store: Store, r: Recorded): [number, unknown] {
  const { objects, stamp } = store;
  const { path } = r;
  const body = r.body as Json | undefined;
  const existing = objects.get(path);
  const sentVersion = (body?.metadata as Json | undefined)?.resourceVersion;
  const conflict = () => status(409, 'Conflict', 'the object has been modified');
  switch (r.method) {
    case 'GET':
      return existing ? [200, existing] : status(404, 'NotFound', `${path} not found`);
    case 'POST': {
      const meta = (body?.metadata as Json | undefined) ?? {};
      const name =
        (meta.name as string | undefined) ?? `${meta.generateName ?? 'x'}${store.next()}`;
      const key = `${path}/${name}`;
      if (objects.has(key)) return status(409, 'AlreadyExists', `${key} exists`);
      const stored = stamp({ ...(body ?? {}), metadata: { ...meta, name } });
      objects.set(key, stored);
      return [201, stored];
    }
    case 'PATCH': {
      if (!existing) return status(404, 'NotFound', `${path} not found`);
      if (r.contentType !== 'application/merge-patch+json') {
        return status(415, 'UnsupportedMediaType', 'only merge-patch here');
      }
      // resourceVersion in a patch is a precondition, as on a real API server
      const current = (existing.metadata as Json | undefined)?.resourceVersion;
      if (sentVersion !== undefined && sentVersion !== current) return conflict();
      const stored = stamp(mergePatch(existing, body) as Json);
      objects.set(path, stored);
      return [200, stored];
    }
    case 'PUT': {
      if (!existing) return status(404, 'NotFound', `${path} not found`);
      if (sentVersion !== (existing.metadata as Json).resourceVersion) return conflict();
      const stored = stamp(body ?? {});
      objects.set(path, stored);
      return [200, stored];
    }
    default:
      return status(405, 'MethodNotAllowed', String(r.method));
  }
}

/**
 * A tiny Kubernetes API server on 127.0.0.1: objects keyed by path, GET/POST/PATCH (merge)/PUT
 * with resourceVersion conflicts, and Status bodies for errors — the shapes the adapter relies on.
 */
export async function startFakeKube(seed: Record<string, Json> = {}) {
  const objects = new Map<string, Json>(Object.entries(seed));
  const requests: Recorded[] = [];
  let version = 1;
  const store: Store = {
    objects,
    next: () => version,
    stamp: (o) => {
      version += 1;
      const meta = {
        ...((o.metadata as Json | undefined) ?? {}),
        resourceVersion: String(version),
      };
      return { ...o, metadata: meta };
    },
  };
  let hang = false;
  const server = http.createServer((req, res) => {
    if (hang) return; // a hung API server: the request never gets an answer
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: Recorded = {
        method: req.method ?? '',
        path: new URL(req.url ?? '/', 'http://x').pathname,
        contentType: req.headers['content-type'],
        body: text ? (JSON.parse(text) as Json) : undefined,
      };
      requests.push(recorded);
      const [code, payload] = answer(store, recorded);
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    /** While on, requests get no answer at all (deadline tests). */
    setHang: (on: boolean) => {
      hang = on;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
