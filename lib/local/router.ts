/**
 * API Gateway's route selection for the http triggers of lib/wiring.ts: `METHOD /path` with `{param}` segments (and
 * greedy `{param+}`), the most specific route first, a trailing slash ignored.
 */
import type { Auth } from '../../lambda/shared/http.ts';
import { httpRoutes, type FunctionId, type HttpMethod } from '../wiring.ts';

export interface RouteEntry {
  functionId: FunctionId;
  method: HttpMethod;
  /** The route's path as in the wiring: `/api/v1/game/{id}`. */
  path: string;
  auth: Auth;
  /** `GET /api/v1/game/{id}`, as in the event and in CloudFormation. */
  routeKey: string;
}

export interface RouteMatch {
  route: RouteEntry;
  pathParameters: Record<string, string>;
}

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

const parseSegments = (path: string): Segment[] =>
  path
    .split('/')
    .filter(Boolean)
    .map((s): Segment => {
      const m = /^\{([^}+]+)(\+)?\}$/.exec(s);
      if (!m) return { kind: 'literal', value: s };
      return m[2] ? { kind: 'greedy', name: m[1] } : { kind: 'param', name: m[1] };
    });

const rank = { literal: 0, param: 1, greedy: 2 } as const;

/** `/api/v1/game/` → `/api/v1/game`; `/` stays `/`. */
export function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export interface Router {
  routes: RouteEntry[];
  match(method: string, path: string): RouteMatch | undefined;
}

export function createRouter(entries: Omit<RouteEntry, 'routeKey'>[] = httpRoutes()): Router {
  const compiled = entries
    .map((e) => ({ route: { ...e, routeKey: `${e.method} ${e.path}` }, segments: parseSegments(e.path) }))
    // Most specific first: at the first segment where two routes differ, a literal beats a parameter beats a greedy one.
    .sort((a, b) => {
      for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i++) {
        const x = a.segments[i];
        const y = b.segments[i];
        if (!x || !y) return x ? -1 : 1;
        if (rank[x.kind] !== rank[y.kind]) return rank[x.kind] - rank[y.kind];
      }
      return 0;
    });

  const match = (method: string, rawPath: string): RouteMatch | undefined => {
    const parts = normalizePath(rawPath).split('/').filter(Boolean);
    for (const { route, segments } of compiled) {
      if (route.method !== method.toUpperCase()) continue;
      const params: Record<string, string> = {};
      let ok = true;
      let i = 0;
      for (; i < segments.length; i++) {
        const seg = segments[i];
        if (seg.kind === 'greedy') {
          if (i >= parts.length) ok = false;
          else params[seg.name] = parts.slice(i).map(safeDecode).join('/');
          i = parts.length;
          break;
        }
        if (i >= parts.length) {
          ok = false;
          break;
        }
        if (seg.kind === 'literal' ? safeDecode(parts[i]) !== seg.value : parts[i] === '') ok = false;
        else if (seg.kind === 'param') params[seg.name] = safeDecode(parts[i]);
        if (!ok) break;
      }
      if (ok && i === parts.length) return { route, pathParameters: params };
    }
    return undefined;
  };

  return { routes: compiled.map((c) => c.route), match };
}
