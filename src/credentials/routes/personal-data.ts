/** The credentials' section of the caller's data export (GDPR Art. 15/20): their API keys, never the key itself. */
import { Type } from '@sinclair/typebox';
import type { PersonalDataSection } from '../../kernel/part.js';
import type { ApiKey } from '../domain/api-key.js';
import type { ApiKeyService } from '../services/api-key-service.js';
import { KeyJson, keyJson } from './api-keys.js';

const KEY_PAGE = 200;

export function credentialsPersonalData(apiKeys: Pick<ApiKeyService, 'list'>): readonly PersonalDataSection[] {
  return [
    {
      key: 'api_keys',
      schema: Type.Array(KeyJson),
      async read(userId) {
        const keys: ApiKey[] = [];
        for (;;) {
          const page = await apiKeys.list(userId, keys.at(-1)?.id, KEY_PAGE);
          keys.push(...page);
          if (page.length < KEY_PAGE) return keys.map(keyJson);
        }
      },
    },
  ];
}
