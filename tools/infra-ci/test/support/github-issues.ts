/**
 * Issue routes of the local GitHub REST stand-in (github-server.ts registers them with one hook):
 * the endpoints `infra-ci drift --issues` uses, with GitHub's JSON shapes.
 *
 *   GET   /repos/{o}/{r}/issues?state=&labels=&per_page=&page=   issues and pull requests, as GitHub
 *   POST  /repos/{o}/{r}/issues                                  {title, body, labels}
 *   PATCH /repos/{o}/{r}/issues/{n}                              {body, title, state, state_reason}
 *   GET   /repos/{o}/{r}/labels/{name}, POST /repos/{o}/{r}/labels {name, color, description}
 * Comments on issues go through the server's existing /issues/{n}/comments routes. A label an
 * issue is created with is added to the repository's labels, as GitHub does.
 */
import type { ServerResponse } from 'node:http';

export interface StoredIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  stateReason: string | null;
  /** A pull request (GitHub's issues list returns them too). */
  isPull: boolean;
}

export interface IssueStore {
  /** Seeds an issue (e.g. one opened by a person, or a pull request); returns its number. */
  add(i: Partial<Omit<StoredIssue, 'number'>> & { title: string }): number;
  all(): StoredIssue[];
  get(n: number): StoredIssue | undefined;
  /** Labels POST /issues silently drops (a token without the right to set them). */
  dropLabelsOnCreate: boolean;
  /** The repository's labels by name. */
  labels: Map<string, { color: string; description: string }>;
}

export interface RouteHelpers {
  send(res: ServerResponse, status: number, body: unknown): true;
  error(res: ServerResponse, status: number, message: string): true;
  paginate<T>(res: ServerResponse, reqUrl: URL, items: T[]): T[];
  htmlBase: string;
}

export function issueRoutes(h: RouteHelpers): {
  store: IssueStore;
  route(method: string, rest: string, reqUrl: URL, body: unknown, res: ServerResponse): boolean;
} {
  const issues: StoredIssue[] = [];
  let next = 901;
  const json = (i: StoredIssue) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.stateReason,
    labels: i.labels.map((name, k) => ({ id: k + 1, name })),
    html_url: `${h.htmlBase}/${i.isPull ? 'pull' : 'issues'}/${i.number}`,
    ...(i.isPull ? { pull_request: { url: `${h.htmlBase}/pull/${i.number}` } } : {}),
  });
  const obj = (b: unknown): Record<string, unknown> =>
    typeof b === 'object' && b !== null ? (b as Record<string, unknown>) : {};
  const store: IssueStore = {
    dropLabelsOnCreate: false,
    labels: new Map(),
    add(i) {
      const n = next++;
      issues.push({
        number: n,
        body: '',
        labels: [],
        state: 'open',
        stateReason: null,
        isPull: false,
        ...i,
      });
      return n;
    },
    all: () => issues.map((i) => ({ ...i, labels: [...i.labels] })),
    get: (n) => issues.find((i) => i.number === n),
  };
  const route = (
    method: string,
    rest: string,
    reqUrl: URL,
    body: unknown,
    res: ServerResponse,
  ): boolean => {
    if (rest === '/issues' && method === 'GET') {
      const state = reqUrl.searchParams.get('state') ?? 'open';
      const labels = (reqUrl.searchParams.get('labels') ?? '').split(',').filter((l) => l !== '');
      const found = issues
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => b.number - a.number);
      return h.send(res, 200, h.paginate(res, reqUrl, found).map(json));
    }
    if (rest === '/issues' && method === 'POST') {
      const b = obj(body);
      if (typeof b.title !== 'string' || b.title === '') {
        return h.error(res, 422, 'Invalid request.\n\n"title" wasn\'t supplied.');
      }
      const labels = Array.isArray(b.labels) ? b.labels.filter((l) => typeof l === 'string') : [];
      for (const l of labels)
        if (!store.labels.has(l)) store.labels.set(l, { color: 'ededed', description: '' });
      const n = store.add({
        title: b.title,
        body: typeof b.body === 'string' ? b.body : '',
        labels: store.dropLabelsOnCreate ? [] : labels,
      });
      return h.send(res, 201, json(store.get(n) as StoredIssue));
    }
    const label = /^\/labels\/([^/]+)$/.exec(rest);
    if (label && method === 'GET') {
      const name = decodeURIComponent(label[1] ?? '');
      const l = store.labels.get(name);
      return l ? h.send(res, 200, { name, ...l }) : h.error(res, 404, 'Not Found');
    }
    if (rest === '/labels' && method === 'POST') {
      const b = obj(body);
      if (typeof b.name !== 'string' || store.labels.has(b.name)) {
        return h.error(res, 422, 'Validation Failed');
      }
      const l = { color: String(b.color ?? 'ededed'), description: String(b.description ?? '') };
      store.labels.set(b.name, l);
      return h.send(res, 201, { name: b.name, ...l });
    }
    const m = /^\/issues\/(\d+)$/.exec(rest);
    if (m && method === 'PATCH') {
      const i = store.get(Number(m[1]));
      if (!i) return h.error(res, 404, 'Not Found');
      const b = obj(body);
      if (typeof b.body === 'string') i.body = b.body;
      if (typeof b.title === 'string') i.title = b.title;
      if (b.state === 'open' || b.state === 'closed') {
        i.state = b.state;
        i.stateReason =
          b.state === 'closed'
            ? typeof b.state_reason === 'string'
              ? b.state_reason
              : 'completed'
            : null;
      }
      return h.send(res, 200, json(i));
    }
    return false;
  };
  return { store, route };
}
