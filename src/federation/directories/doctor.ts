/**
 * The directories' `rampart doctor` checks, loaded only when the doctor runs: for each LDAP
 * directory, its transport (TLS, or plain only to loopback) and a real connection bound as the
 * service account; for PAM, the service file in /etc/pam.d, the helper program, and whether
 * this process can check other users' passwords through pam_unix (docs/decisions/026-pam.md).
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import pino from 'pino';
import type { RampartConfig } from '../../kernel/config.js';
import type { DoctorCheck } from '../../kernel/part.js';
import { LdapDirectoryClient } from './adapters/ldap-directory-client.js';
import type { LdapDirectoryConfig } from './ldap-directory-config.js';

async function readable(path: string, mode = constants.R_OK): Promise<boolean> {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

async function ldapChecks(directory: LdapDirectoryConfig): Promise<DoctorCheck[]> {
  const name = `ldap ${directory.name}`;
  const tls = directory.url.startsWith('ldaps:') || directory.startTls;
  const transport: DoctorCheck = tls
    ? { name: `${name} tls`, status: 'pass', reason: directory.startTls ? 'StartTLS' : 'ldaps://' }
    : { name: `${name} tls`, status: 'warn', reason: 'plain LDAP, allowed only because the server is on loopback' };
  const client = new LdapDirectoryClient(directory, pino({ level: 'silent' }));
  try {
    const bound = await client.connect();
    await bound.unbind().catch(() => undefined);
    return [transport, { name: `${name} service bind`, status: 'pass', reason: `${directory.url} answered and the service account bound` }];
  } catch {
    return [
      transport,
      { name: `${name} service bind`, status: 'fail', reason: `${directory.url}: unreachable, or the service account cannot bind` },
    ];
  }
}

async function pamChecks(config: RampartConfig): Promise<DoctorCheck[]> {
  const service = config.pamService;
  if (service === undefined) return [];
  const checks: DoctorCheck[] = [
    (await readable(`/etc/pam.d/${service}`))
      ? { name: 'pam service', status: 'pass', reason: `/etc/pam.d/${service} exists` }
      : { name: 'pam service', status: 'fail', reason: `/etc/pam.d/${service} does not exist (PAM would fall back to "other")` },
    (await readable(config.pamHelper, constants.X_OK))
      ? { name: 'pam helper', status: 'pass', reason: `${config.pamHelper} is executable` }
      : { name: 'pam helper', status: 'fail', reason: `${config.pamHelper} is missing (Debian package pamtester)` },
  ];
  // pam_unix's unix_chkpwd checks only the caller's own password unless /etc/shadow is readable.
  const shadow = await readable('/etc/shadow');
  checks.push(
    shadow
      ? { name: 'pam shadow access', status: 'pass', reason: 'this process can read /etc/shadow (pam_unix checks any local user)' }
      : {
          name: 'pam shadow access',
          status: 'warn',
          reason:
            'this process cannot read /etc/shadow: pam_unix will refuse every user but its own (add it to the shadow group, or use pam_sss/pam_ldap)',
        },
  );
  return checks;
}

export async function directoryDoctorChecks(config: RampartConfig): Promise<DoctorCheck[]> {
  const ldap = await Promise.all(config.ldapDirectories.map((directory) => ldapChecks(directory)));
  return [...ldap.flat(), ...(await pamChecks(config))];
}
