import type { AuditPort } from '../../ports/audit-port';
import type { MetricsPort } from '../../ports/metrics-port';

/** The audit port, counting every record that could not be written (the caller still sees the rejection). */
export function meteredAudit(inner: AuditPort, metrics: MetricsPort): AuditPort {
  return {
    append: (event) =>
      inner.append(event).catch((err: unknown) => {
        metrics.auditWriteFailed(event.type);
        throw err;
      }),
    query: (q) => inner.query(q),
  };
}
