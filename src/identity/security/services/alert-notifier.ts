/**
 * Security alerts reach people, not only the audit log (issue 22 item 1): each `security.alert`
 * the audit log's rules raise (audit/services/audit-alerts.ts) is
 * - mailed to every platform admin (an active owner of the `system` org), through the mail outbox;
 * - for an alert about an org other than `system`, emitted as that org's `security.alert` event
 *   (kernel/events/event-outbox.ts), which its webhook endpoints receive;
 * - logged (the rules already write the warning line; this adds how many admins were told).
 * The mail and the event carry the rule, the triggering action, the resource and request id and
 * the time: never a password, a token, an email or an address of the account concerned.
 */
import type { AlertChannel, RaisedAlert } from '../../../audit/index.js';
import type { Mail, MailTemplate } from '../../../mail/index.js';
import { withSystem } from '../../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import { SYSTEM_ORG_SLUG } from '../../../kernel/domain/system-org.js';
import { appendEvent } from '../../../kernel/events/event-outbox.js';
import type { Logger } from '../../../kernel/adapters/log/pino-logger.js';

/** The platform admins' alert mail. */
export const SECURITY_ALERT_TEMPLATE: MailTemplate = Object.freeze({
  name: 'identity.security_alert',
  subject: 'Security alert: {{rule}}',
  text:
    'Rampart raised a security alert.\n\nRule: {{rule}}\nOrg: {{org}}\nTriggered by: {{event}} on {{resource}}\n' +
    'When: {{when}}\nRequest: {{request}}\n\nThe audit log holds the entry (action security.alert); review it and the entries around it.\n',
  html:
    '<p>Rampart raised a security alert.</p><p>Rule: {{rule}}<br>Org: {{org}}<br>Triggered by: {{event}} on {{resource}}<br>' +
    'When: {{when}}<br>Request: {{request}}</p><p>The audit log holds the entry (action security.alert); review it and the entries around it.</p>',
});

export interface AlertNotifierOptions {
  readonly db: RampartKysely;
  readonly mail: Pick<Mail, 'queue'>;
  readonly logger: Pick<Logger, 'info'>;
}

/** The addresses of the platform admins: active owners of the `system` org. */
async function platformAdminEmails(db: RampartKysely): Promise<string[]> {
  // Cross-org by design: the system org's owners are read to tell them of any org's alert.
  return withSystem(db, async (trx) => {
    const rows = await trx
      .selectFrom('memberships')
      .innerJoin('orgs', 'orgs.id', 'memberships.org_id')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select('users.email')
      .where('orgs.slug', '=', SYSTEM_ORG_SLUG)
      .where('memberships.role', '=', 'owner')
      .where('users.status', '=', 'active')
      .orderBy('users.email')
      .execute();
    return rows.map((row) => row.email);
  });
}

/** Emits the org's `security.alert` event; `false` when the org is unknown (deleted since). */
async function emitOrgEvent(db: RampartKysely, alert: RaisedAlert): Promise<boolean> {
  // The alert is raised outside any request's tenant scope: the org is looked up by id or slug.
  return withSystem(db, async (trx) => {
    const org = await trx
      .selectFrom('orgs')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', alert.org), eb('slug', '=', alert.org)]))
      .executeTakeFirst();
    if (org === undefined) return false;
    const data = { rule: alert.rule, event: alert.event, resource: alert.resource, request_id: alert.requestId, at: alert.at };
    await appendEvent(trx, { type: 'security.alert', orgId: org.id, data }, alert.at);
    return true;
  });
}

/** Subscribes the notifications to `alerts`. */
export function notifyAlerts(alerts: AlertChannel, o: AlertNotifierOptions): void {
  alerts.onAlert(async (alert) => {
    const emitted = alert.org !== SYSTEM_ORG_SLUG && (await emitOrgEvent(o.db, alert));
    const admins = await platformAdminEmails(o.db);
    const values = {
      rule: alert.rule,
      org: alert.org,
      event: alert.event,
      resource: alert.resource,
      when: new Date(alert.at).toISOString(),
      request: alert.requestId ?? 'none',
    };
    for (const to of admins) await o.mail.queue({ to, template: SECURITY_ALERT_TEMPLATE, values });
    o.logger.info(
      { rule: alert.rule, org: alert.org, admins_mailed: admins.length, org_event: emitted },
      'security alert sent to its channels',
    );
  });
}
