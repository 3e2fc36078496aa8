/**
 * Why a second GitHub stand-in beside tools/infra-ci/test/support/github-server.ts: that one serves
 * none of these endpoints (it has artifacts, pulls, runs, pagination); a shared one would tie two
 * packages' tests together to save no logic.
 *
 * A local stand-in for the few GitHub REST endpoints the release train uses, with the documented
 * JSON shapes (docs.github.com/rest/commits/statuses, /rest/issues/issues, /rest/issues/comments):
 *   GET  /repos/{o}/{r}/commits/{ref}/statuses   newest first, each with creator.login
 *   POST /repos/{o}/{r}/statuses/{sha}            201; 422 on a bad state or a description > 140
 *   GET  /repos/{o}/{r}/issues?state=open&labels=
 *   POST /repos/{o}/{r}/issues                    201 {number}
 *   POST /repos/{o}/{r}/issues/{n}/comments       201
 * Every request needs `Authorization: Bearer <token>` of a known token (401 otherwise); the token
 * decides `creator.login`, which is how the train tells Flux's statuses from anyone else's. Binds
 * 127.0.0.1 on port 0.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Status {
  id: number;
  state: string;
  context: string;
  description: string;
  creator: { login: string };
  created_at: string;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  labels: { name: string }[];
  state: 'open' | 'closed';
  comments: string[];
}

export interface GitHubStandIn {
  url: string;
  readonly statuses: Map<string, Status[]>;
  readonly issues: Issue[];
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text === '' ? undefined : (JSON.parse(text) as unknown));
      } catch {
        resolve(Symbol('invalid'));
      }
    });
    req.on('error', reject);
  });
}

/** `tokens` maps each accepted token to the login it acts as. */
export async function startGitHub(
  repository: string,
  tokens: Record<string, string>,
): Promise<GitHubStandIn> {
  const statuses = new Map<string, Status[]>();
  const issues: Issue[] = [];
  let nextId = 1;
  const send = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const login = tokens[token];
    if (login === undefined) return send(res, 401, { message: 'Bad credentials' });
    const prefix = `/repos/${repository}`;
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : undefined;
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    const route = (method: string, re: RegExp) =>
      req.method === method && path !== undefined ? re.exec(path) : null;
    const listStatuses = route('GET', /^\/commits\/([0-9a-f]{40})\/statuses$/);
    if (listStatuses !== null) {
      return send(res, 200, statuses.get(listStatuses[1] as string) ?? []);
    }
    const createStatus = route('POST', /^\/statuses\/([0-9a-f]{40})$/);
    if (createStatus !== null) {
      const { state, context, description } = fields;
      if (!['error', 'failure', 'pending', 'success'].includes(String(state))) {
        return send(res, 422, { message: 'Validation Failed', errors: [{ field: 'state' }] });
      }
      if (typeof description === 'string' && description.length > 140) {
        return send(res, 422, { message: 'Validation Failed', errors: [{ field: 'description' }] });
      }
      const status: Status = {
        id: nextId++,
        state: String(state),
        context: typeof context === 'string' ? context : 'default',
        description: typeof description === 'string' ? description : '',
        creator: { login },
        created_at: new Date().toISOString(),
      };
      const sha = createStatus[1] as string;
      statuses.set(sha, [status, ...(statuses.get(sha) ?? [])]);
      return send(res, 201, status);
    }
    if (req.method === 'GET' && path === '/issues') {
      const label = url.searchParams.get('labels');
      const state = url.searchParams.get('state') ?? 'open';
      return send(
        res,
        200,
        issues.filter(
          (i) => i.state === state && (label === null || i.labels.some((l) => l.name === label)),
        ),
      );
    }
    if (req.method === 'POST' && path === '/issues') {
      if (typeof fields.title !== 'string') {
        return send(res, 422, { message: 'Validation Failed', errors: [{ field: 'title' }] });
      }
      const labels = Array.isArray(fields.labels)
        ? fields.labels.map((l) => ({ name: String(l) }))
        : [];
      const issue: Issue = {
        number: issues.length + 1,
        title: fields.title,
        body: typeof fields.body === 'string' ? fields.body : '',
        labels,
        state: 'open',
        comments: [],
      };
      issues.push(issue);
      return send(res, 201, issue);
    }
    const comment = route('POST', /^\/issues\/(\d+)\/comments$/);
    if (comment !== null) {
      const issue = issues.find((i) => i.number === Number(comment[1]));
      if (issue === undefined) return send(res, 404, { message: 'Not Found' });
      issue.comments.push(typeof fields.body === 'string' ? fields.body : '');
      return send(res, 201, { id: nextId++, body: fields.body });
    }
    return send(res, 404, { message: 'Not Found' });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { message: 'stand-in error' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    statuses,
    issues,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
