/**
 * The RevocationSequence contract on the memory reference and on SqlRevocationSequence — SQLite,
 * and PostgreSQL as the working role (no superuser, owner of nothing) through two pools, as two
 * instances would.
 */
import { prepareDataDirectory } from '../../src/kernel/adapters/fs/data-directory.js';
import { MemoryRevocationSequence } from '../../src/kernel/adapters/memory/memory-revocation-sequence.js';
import { migrateToLatest, openDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { SqlRevocationSequence } from '../../src/kernel/adapters/sql/sql-revocation-sequence.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import { backends } from '../helpers/backends.js';
import { revocationSequenceContract } from './revocation-sequence.contract.js';

revocationSequenceContract('MemoryRevocationSequence', () => {
  const sequence = new MemoryRevocationSequence();
  return Promise.resolve({ sequences: [sequence, sequence], cleanup: () => Promise.resolve() });
});

for (const backend of await backends()) {
  revocationSequenceContract(`SqlRevocationSequence on ${backend.name}`, async () => {
    const instance = await backend.create();
    prepareDataDirectory(instance.dataDir);
    const secret = (url: string | undefined) => (url === undefined ? undefined : new Secret(url));
    const open = () =>
      openDatabase({ url: secret(instance.workingDatabaseUrl), migrationUrl: secret(instance.databaseUrl), dataDir: instance.dataDir });
    const a = open();
    const b = open();
    await migrateToLatest(a);
    return {
      sequences: [new SqlRevocationSequence(a.db, a.dialect), new SqlRevocationSequence(b.db, b.dialect)],
      async cleanup() {
        await a.close();
        await b.close();
        await instance.cleanup();
      },
    };
  });
}
