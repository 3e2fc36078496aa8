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

type Reply = [code: number, body: unknown];
type Fields = Record<string, unknown>;
interface Store {
  statuses: Map<string, Status[]>;
  issues: Issue[];
  nextId: number;
}

const invalid = (field: string): Reply => [
  422,
  { message: 'Validation Failed', errors: [{ field }] },
];

/** POST /statuses/{sha}: newest first, `creator` is the token's login. */
function createStatus(store: Store, sha: string, fields: Fields, login: string): Reply {
  const { state, context, description } = fields;
  if (!['error', 'failure', 'pending', 'success'].includes(String(state))) return invalid('state');
  if (typeof description === 'string' && description.length > 140) return invalid('description');
  const status: Status = {
    id: store.nextId++,
    state: String(state),
    context: typeof context === 'string' ? context : 'default',
    description: typeof description === 'string' ? description : '',
    creator: { login },
    created_at: new Date().toISOString(),
  };
  store.statuses.set(sha, [status, ...(store.statuses.get(sha) ?? [])]);
  return [201, status];
}

/** POST /issues. */
function createIssue(store: Store, fields: Fields): Reply {
  if (typeof fields.title !== 'string') return invalid('title');
  const issue: Issue = {
    number: store.issues.length + 1,
    title: fields.title,
    body: typeof fields.body === 'string' ? fields.body : '',
    labels: Array.isArray(fields.labels) ? fields.labels.map((l) => ({ name: String(l) })) : [],
    state: 'open',
    comments: [],
  };
  store.issues.push(issue);
  return [201, issue];
}

/** Routes one request of `login` to `path` (below /repos/{o}/{r}) to the store. */
function reply(
  store: Store,
  method: string,
  path: string,
  url: URL,
  fields: Fields,
  login: string,
): Reply {
  const route = (m: string, re: RegExp) => (method === m ? re.exec(path) : null);
  const listStatuses = route('GET', /^\/commits\/([0-9a-f]{40})\/statuses$/);
  if (listStatuses !== null) return [200, store.statuses.get(listStatuses[1] as string) ?? []];
  const status = route('POST', /^\/statuses\/([0-9a-f]{40})$/);
  if (status !== null) return createStatus(store, status[1] as string, fields, login);
  if (method === 'GET' && path === '/issues') {
    const label = url.searchParams.get('labels');
    const state = url.searchParams.get('state') ?? 'open';
    const labelled = (i: Issue) => label === null || i.labels.some((l) => l.name === label);
    return [200, store.issues.filter((i) => i.state === state && labelled(i))];
  }
  if (method === 'POST' && path === '/issues') return createIssue(store, fields);
  const comment = route('POST', /^\/issues\/(\d+)\/comments$/);
  if (comment !== null) {
    const issue = store.issues.find((i) => i.number === Number(comment[1]));
    if (issue === undefined) return [404, { message: 'Not Found' }];
    issue.comments.push(typeof fields.body === 'string' ? fields.body : '');
    return [201, { id: store.nextId++, body: fields.body }];
  }
  return [404, { message: 'Not Found' }];
}

/** `tokens` maps each accepted token to the login it acts as. */
export async function startGitHub(
  repository: string,
  tokens: Record<string, string>,
): Promise<GitHubStandIn> {
  const store: Store = { statuses: new Map(), issues: [], nextId: 1 };
  const send = (res: ServerResponse, [code, body]: Reply) => {
    res.writeHead(code, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const login = tokens[token];
    if (login === undefined) return send(res, [401, { message: 'Bad credentials' }]);
    const prefix = `/repos/${repository}`;
    if (!url.pathname.startsWith(prefix)) return send(res, [404, { message: 'Not Found' }]);
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Fields;
    const path = url.pathname.slice(prefix.length);
    send(res, reply(store, req.method ?? 'GET', path, url, fields, login));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, [500, { message: 'stand-in error' }]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    statuses: store.statuses,
    issues: store.issues,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
