/**
 * Rules on the objects around the pods: every workload's pods are selected by a NetworkPolicy restricting both
 * ingress and egress, and an autoscaler scales a Deployment of the render.
 */
import { dig, idOf, type K8sObject } from './k8s-object';

const matches = (selector: unknown, labels: Record<string, string>) => {
  const match = (dig(selector, 'matchLabels') ?? {}) as Record<string, string>;
  return dig(selector, 'matchExpressions') === undefined && Object.entries(match).every(([k, v]) => labels[k] === v);
};

export function clusterProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  for (const o of objects) {
    const labels = dig(o, 'spec', 'template', 'metadata', 'labels') as Record<string, string> | undefined;
    if (labels === undefined) continue;
    const mine = policies.filter((p) => p.metadata?.namespace === o.metadata?.namespace && matches(dig(p, 'spec', 'podSelector'), labels));
    const types = new Set(mine.flatMap((p) => (dig(p, 'spec', 'policyTypes') ?? []) as string[]));
    for (const type of ['Ingress', 'Egress'])
      if (!types.has(type))
        problems.push(`${idOf(o)}: no NetworkPolicy restricts its pods' ${type.toLowerCase()} (policyTypes: [${type}])`);
  }
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = dig(hpa, 'spec', 'scaleTargetRef') as { kind?: string; name?: string } | undefined;
    const target = objects.find(
      (o) => o.kind === ref?.kind && o.metadata?.name === ref?.name && o.metadata?.namespace === hpa.metadata?.namespace,
    );
    if (target === undefined) problems.push(`${idOf(hpa)}: scales ${ref?.kind}/${ref?.name}, which is not in the render`);
  }
  return problems;
}
