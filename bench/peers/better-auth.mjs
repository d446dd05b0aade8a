/**
 * Peer (c): Better Auth (a devDependency) in its default configuration on better-sqlite3, served
 * by node:http through its own `toNodeHandler` (its documented way to run on Node), email and
 * password sign-in enabled. Its rate limiter is off, which is its default outside production
 * (NODE_ENV=production): set explicitly so that the login benchmark measures sign-ins, never 429s.
 * The schema is created at start with its own migration (`getMigrations`), in a fresh temporary
 * database removed at exit. No logging beyond Better Auth's default (errors only).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';

const port = Number(process.env.BENCH_PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error('BENCH_PORT must be set to the port to listen on');
const directory = mkdtempSync(path.join(os.tmpdir(), 'better-auth-bench-'));
process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));

const options = {
  database: new Database(path.join(directory, 'auth.db')),
  baseURL: `http://127.0.0.1:${port}`,
  secret: 'better-auth-bench-secret-of-at-least-32-characters',
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
};
const { runMigrations } = await getMigrations(options);
await runMigrations();
const auth = betterAuth(options);
const server = http.createServer(toNodeHandler(auth));
server.listen(port, '127.0.0.1');
