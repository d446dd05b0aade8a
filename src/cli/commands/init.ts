import type { RampartConfig } from '../../kernel/config.js';
import { initialiseDataDirectory } from '../../kernel/adapters/fs/initialise-data-directory.js';
import { masterKeyPath } from '../../kernel/adapters/fs/master-key-file.js';
import type { Output } from '../../kernel/cli/output.js';

/** `rampart init`: the data directory (0700) and, without RAMPART_MASTER_KEY, the key file (0600). */
export async function runInit(config: RampartConfig, out: Output): Promise<number> {
  const { masterKeyCreated } = initialiseDataDirectory(config);
  const source = config.masterKey !== undefined ? 'environment' : 'file';
  const result = {
    data_dir: config.dataDir,
    master_key: { source, path: source === 'file' ? masterKeyPath(config.dataDir) : null, created: masterKeyCreated },
  };
  const keyLine =
    source === 'environment'
      ? 'master key: from RAMPART_MASTER_KEY'
      : `master key: ${masterKeyPath(config.dataDir)} (${masterKeyCreated ? 'created' : 'kept'})`;
  out.result(result, `data directory: ${config.dataDir} (0700)\n${keyLine}`);
  return 0;
}
