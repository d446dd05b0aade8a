/**
 * The signing capability's commands: `rampart verify-artifact` (offline; it loads no database and
 * starts no server) and the `--purpose artifacts|licences` branch of `rampart keys rotate`
 * (`runSigningKeysRotate`, called from the `keys` group in src/cli/index.ts).
 */
import { Command } from 'commander';
import type { Output } from '../../kernel/cli/output.js';
import type { RampartConfig } from '../../kernel/config.js';
import type { CommandContext } from '../../kernel/part.js';
import type { SigningPurpose } from '../domain/signing-key.js';

interface VerifyFlags {
  bundle: string;
  file: string;
  keys?: string;
  keysFrom?: string;
  checkpoint?: string;
}

export function verifyArtifactCommand(context: CommandContext): Command {
  return new Command('verify-artifact')
    .description('verify an artifact and its bundle offline against pinned keys; exit 1 names the first check that failed')
    .requiredOption('--bundle <file>', 'the bundle from POST /api/v1/orgs/{org}/artifacts/sign (JSON)')
    .requiredOption('--file <file>', 'the artifact')
    .option('--keys <file>', 'the pinned JWKS of GET /api/v1/artifacts/keys', 'rampart-artifact-keys.json')
    .option('--keys-from <url>', 'when the --keys file does not exist: fetch it once from this server and save it')
    .option('--checkpoint <file>', 'a saved checkpoint (C2SP signed note) to verify against instead of the bundle’s')
    .option('--json', 'print results as JSON')
    .action(async (flags: VerifyFlags, command: Command) => {
      process.exitCode = await context.run(command, async (_config, out) =>
        (await import('./verify-artifact.js')).runVerifyArtifact(
          {
            bundle: flags.bundle,
            file: flags.file,
            keys: flags.keys ?? 'rampart-artifact-keys.json',
            ...(flags.keysFrom === undefined ? {} : { keysFrom: flags.keysFrom }),
            ...(flags.checkpoint === undefined ? {} : { checkpoint: flags.checkpoint }),
          },
          out,
        ),
      );
    });
}

/** `rampart keys rotate --purpose artifacts|licences`: a new active key; the previous one retires and verifies within its window. */
export async function runSigningKeysRotate(
  config: RampartConfig,
  out: Output,
  purpose: SigningPurpose,
  compose: CommandContext['compose'],
): Promise<number> {
  const { facade, close } = await compose(config, 'signing');
  try {
    const { keyId } = await facade.rotate(purpose);
    const published = (await facade.jwks()).keys.filter((key) => key.purpose === purpose).map((key) => String(key.kid));
    out.result({ purpose, kid: keyId, published }, `new ${purpose} signing key ${keyId}; published: ${published.join(', ')}`);
    return 0;
  } finally {
    await close();
  }
}
