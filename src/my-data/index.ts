/**
 * The my-data capability's public face: the caller's export and self-erasure (GDPR Art. 15, 17
 * and 20) and their routes. It is composed last: it reads identity, the credentials and audit.
 */
import type { Capability } from '../kernel/part.js';
import { composeMyDataPart, type MyDataServices } from './compose.js';

export { type MyDataServices } from './compose.js';

// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { MY_DATA_AUDIT_ACTIONS } from './domain/audit-actions.js';

declare module '../kernel/part.js' {
  interface Facades {
    myData: MyDataServices;
  }
}

export const myData: Capability<'myData'> = {
  name: 'myData',
  compose: (kernel, earlier) => composeMyDataPart(kernel, earlier),
};
