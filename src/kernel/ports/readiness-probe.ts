/**
 * A dependency `/readyz` asks. Guarantees: `check` settles within its own timeout and never
 * throws; it reports `false` when the dependency does not answer.
 */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<boolean>;
}
