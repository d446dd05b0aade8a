/**
 * `rampart audit tail` against a server over HTTP (issue 21, item 2): used when `--url` is given
 * or no local database is configured. The token comes from `RAMPART_TOKEN` or the stored login
 * (`rampart login`), never from argv, and goes only to the server it was issued for. It reads an
 * org's listing (`GET /api/v1/orgs/{org}/audit`, the platform's `system` org by default; the caller
 * needs `audit.read` there): the last `lines` entries, oldest first, then — with `follow` — every
 * newer entry, polling every `pollMs`, paging back by cursor when more arrived than one page holds.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Output } from '../../kernel/cli/output.js';
import { storedLogin } from '../../kernel/cli/login-store.js';

const PAGE = 200;

export interface RemoteTailOptions {
  readonly url?: string;
  readonly org?: string;
  readonly follow?: boolean;
  readonly lines: number;
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  /** Where entries go (JSON lines); stdout by default. */
  readonly write?: (line: string) => Promise<void>;
}

interface ListedEntry {
  readonly index: number;
}

interface Page {
  readonly entries: ListedEntry[];
  readonly next: string | null;
}

async function stdoutLine(line: string): Promise<void> {
  if (!process.stdout.write(line)) await once(process.stdout, 'drain');
}

/** Runs the remote tail; 2 when there is no server or login to use, 1 when the server refuses. */
export async function runRemoteTail(out: Output, options: RemoteTailOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const login = storedLogin(env);
  const url = (options.url ?? login?.url)?.replace(/\/+$/, '');
  if (url === undefined) {
    out.note('rampart: no local database and no server: give --url, or log in first (rampart login, or RAMPART_TOKEN with RAMPART_URL)');
    return 2;
  }
  const token = login !== null && login.url === url ? login.accessToken : undefined;
  const org = encodeURIComponent(options.org ?? 'system');
  const write = options.write ?? stdoutLine;

  const page = async (limit: number, cursor: string | null): Promise<Page> => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) query.set('cursor', cursor);
    const response = await fetch(`${url}/api/v1/orgs/${org}/audit?${query.toString()}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (!response.ok) throw new Error(`${url}/api/v1/orgs/${org}/audit answered ${response.status}`);
    const body = (await response.json()) as { entries?: ListedEntry[]; items?: ListedEntry[]; next_cursor?: string | null };
    return { entries: body.entries ?? body.items ?? [], next: body.next_cursor ?? null };
  };

  /** Entries newer than `after` (all of them when `after` is -1 and `limit` allows), oldest first, at most `limit`. */
  const newer = async (after: number, limit: number): Promise<ListedEntry[]> => {
    const found: ListedEntry[] = [];
    let cursor: string | null = null;
    for (;;) {
      const { entries, next } = await page(Math.min(PAGE, Math.max(1, limit - found.length)), cursor);
      for (const entry of entries) {
        if (entry.index <= after || found.length >= limit) return found.reverse();
        found.push(entry);
      }
      if (next === null || found.length >= limit) return found.reverse();
      cursor = next;
    }
  };

  try {
    let last = -1;
    const print = async (entries: readonly ListedEntry[]): Promise<void> => {
      for (const entry of entries) {
        await write(`${JSON.stringify(entry)}\n`);
        last = Math.max(last, entry.index);
      }
    };
    if (options.lines > 0) await print(await newer(-1, options.lines));
    else last = (await page(1, null)).entries[0]?.index ?? -1;
    while (options.follow === true && options.signal?.aborted !== true) {
      try {
        await sleep(options.pollMs ?? 1000, undefined, options.signal === undefined ? {} : { signal: options.signal });
      } catch {
        return 0;
      }
      await print(await newer(last, Number.MAX_SAFE_INTEGER));
    }
    return 0;
  } catch (error) {
    if (options.signal?.aborted === true) return 0;
    out.note(`rampart: ${(error as Error).message}`);
    return 1;
  }
}
