/** The passkeys' section of the caller's data export (GDPR Art. 15/20): their passkeys' metadata, never key material. */
import { Type } from '@sinclair/typebox';
import type { PersonalDataSection } from '../../kernel/part.js';
import type { PasskeyStore } from '../ports/passkey-store.js';
import { PasskeyJson, passkeyJson } from './me-passkeys.js';

export function passkeysPersonalData(store: Pick<PasskeyStore, 'allOf'>): readonly PersonalDataSection[] {
  return [
    {
      key: 'passkeys',
      schema: Type.Array(PasskeyJson),
      async read(userId) {
        return (await store.allOf(userId)).map(passkeyJson);
      },
    },
  ];
}
