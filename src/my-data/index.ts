/**
 * The my-data capability's public face: the caller's export and self-erasure (GDPR Art. 15, 17
 * and 20) and their routes. It is composed last: it reads identity, the credentials and audit.
 */
import type { Capability } from '../kernel/part.js';
import { composeMyDataPart, type MyDataServices } from './compose.js';

export { type MyDataServices } from './compose.js';

declare module '../kernel/part.js' {
  interface Facades {
    myData: MyDataServices;
  }
}

export const myData: Capability<'myData'> = {
  name: 'myData',
  compose: (kernel, earlier) => composeMyDataPart(kernel, earlier),
};
