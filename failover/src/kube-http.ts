import http from 'node:http';
import https from 'node:https';
import { FailoverError } from './errors.js';

export interface KubeResponse {
  status: number;
  body: unknown;
}

/** Minimal JSON transport to the Kubernetes API server (bearer token, optional CA). */
export interface KubeTransport {
  request(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<KubeResponse>;
}

export interface HttpTransportOptions {
  /** e.g. https://kubernetes.default.svc or http://127.0.0.1:PORT in tests. */
  server: string;
  token: string | null;
  ca: string | null;
  timeoutMs: number;
}

export function httpTransport(opts: HttpTransportOptions): KubeTransport {
  return {
    request(method, path, body, contentType = 'application/json') {
      const url = new URL(path, opts.server);
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (payload !== undefined) headers['content-type'] = contentType;
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      const lib = url.protocol === 'https:' ? https : http;
      return new Promise((resolve, reject) => {
        const req = lib.request(
          url,
          { method, headers, timeout: opts.timeoutMs, ...(opts.ca ? { ca: opts.ca } : {}) },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown = text;
              try {
                parsed = text ? JSON.parse(text) : null;
              } catch {
                // non-JSON error bodies are kept as text
              }
              resolve({ status: res.statusCode ?? 0, body: parsed });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
        req.on('error', (e) =>
          reject(new FailoverError('KUBE', `${method} ${path} failed: ${e.message}`, true)),
        );
        req.end(payload);
      });
    },
  };
}
