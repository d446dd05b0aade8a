/**
 * The frame of every remote command: its output (`--json` or text, as every command's), a client
 * of the SDK built from the stored login (src/kernel/cli/login-store.ts: `RAMPART_TOKEN` wins; a
 * refreshed token is written back to the login file), and one way to fail: a refused request shows
 * the problem's title, detail and code on stderr (and, with `--json`, `{"error": {…}}` on stdout)
 * and exits 1; so does a missing or unsafe login, naming what to do.
 */
import type { Command } from 'commander';
import { createClient, RampartError, type RampartClient } from '../../sdk/index.js';
import { createOutput, type Output } from '../../kernel/cli/output.js';
import { LoginStoreError, saveLogin, storedLogin, type StoredLogin } from '../../kernel/cli/login-store.js';
import { currentIo, type CliIo } from './io.js';
import { Prompter, PromptCancelled } from './prompt.js';

/** What a remote command's work receives. */
export interface RemoteContext {
  readonly io: CliIo;
  readonly out: Output;
  readonly prompt: Prompter;
  /** The stored login (throws, naming `rampart login`, when there is none). */
  login(): StoredLogin;
  /** An SDK client for the stored login. */
  client(): RampartClient;
}

/** A failure the command explains itself (a usage mistake found after parsing). */
export class CommandFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailure';
  }
}

export type RemoteWork = (context: RemoteContext) => Promise<number | void>;

/** A client for `login`, refreshing into the login file when the login came from it. */
export function clientFor(io: CliIo, login: StoredLogin): RampartClient {
  return createClient({
    baseUrl: login.url,
    token: login.accessToken,
    ...(login.refreshToken === undefined ? {} : { refreshToken: login.refreshToken }),
    ...(login.expiresAt === undefined ? {} : { expiresAt: login.expiresAt }),
    ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
    onTokens: (tokens) => {
      if (login.source !== 'file') return;
      saveLogin({ url: login.url, ...tokens }, io.env);
    },
  });
}

function context(io: CliIo, out: Output, prompt: Prompter): RemoteContext {
  let login: StoredLogin | undefined;
  let client: RampartClient | undefined;
  const self: RemoteContext = {
    io,
    out,
    prompt,
    login() {
      login ??=
        storedLogin(io.env) ??
        (() => {
          throw new CommandFailure('not logged in: run `rampart login <url>`, or set RAMPART_TOKEN (and RAMPART_URL)');
        })();
      return login;
    },
    client() {
      client ??= clientFor(io, self.login());
      return client;
    },
  };
  return self;
}

function report(out: Output, error: { code: string; title: string; detail: string; status?: number }): void {
  if (out.json) out.result({ error }, '');
  if (error.code === 'cli_error') out.note(`rampart: ${error.detail}`);
  else out.note(`rampart: ${error.title}${error.detail === '' ? '' : `: ${error.detail}`} (${error.code})`);
}

/**
 * Runs `work`; when the server answers `step_up_required` (creating or rotating an API key, long
 * after the login), asks for the password once, proves it at `POST /api/v1/auth/step-up`, and runs
 * `work` again — the refused request changed nothing. Without an answer, the refusal stands.
 */
async function withStepUp(frame: RemoteContext, work: RemoteWork): Promise<number | void> {
  try {
    return await work(frame);
  } catch (error) {
    if (!(error instanceof RampartError) || error.code !== 'step_up_required') throw error;
    let password: string;
    try {
      password = await frame.prompt.ask('This change needs your password again: ', { secret: true, what: 'password' });
    } catch (cancelled) {
      if (cancelled instanceof PromptCancelled) throw error;
      throw cancelled;
    }
    await frame.client().POST('/api/v1/auth/step-up', { body: { password } });
    return work(frame);
  }
}

/** Runs `work` as `command`'s action, with the exit code it ends with. */
export async function runRemote(command: Command, work: RemoteWork): Promise<void> {
  const io = currentIo();
  const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
  const out = createOutput(json, io.stdout, io.stderr);
  const prompt = new Prompter(io);
  try {
    const frame = context(io, out, prompt);
    io.setExitCode((await withStepUp(frame, work)) ?? 0);
  } catch (error) {
    if (error instanceof RampartError) {
      report(out, { status: error.status, code: error.code, title: error.title, detail: error.detail });
    } else if (error instanceof LoginStoreError || error instanceof CommandFailure || error instanceof PromptCancelled) {
      report(out, { code: 'cli_error', title: 'rampart', detail: error.message });
    } else if (error instanceof TypeError && /fetch failed/.test(error.message)) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      report(out, { code: 'unreachable', title: 'The server did not answer', detail: cause?.code ?? cause?.message ?? error.message });
    } else {
      throw error;
    }
    io.setExitCode(1);
  } finally {
    prompt.close();
  }
}
