/** Who is asking, as far as the audit log needs it: never a credential. */
export interface RequestContext {
  readonly ip: string;
  readonly userAgent: string | undefined;
  readonly requestId: string;
}
