// Which name syntax each kind's metadata.name must follow, and the check for each rule.

import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidPathSegmentName } from './names.js';

/**
 * subdomain: DNS-1123 subdomain (most kinds); label: DNS-1123 label (Namespace);
 * dns1035: DNS-1035 label (Service); path-segment: only "not . or .., no / or %" (RBAC, core Events).
 */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path-segment';

const BY_KIND: Record<string, NameRule> = {
  Namespace: 'label',
  Service: 'dns1035',
  Role: 'path-segment',
  RoleBinding: 'path-segment',
  ClusterRole: 'path-segment',
  ClusterRoleBinding: 'path-segment',
};

/** The rule for a built-in kind; core/v1 Events only get the path-segment rule, events.k8s.io ones a subdomain. */
export function nameRuleFor(kind: string, group = ''): NameRule {
  if (kind === 'Event') return group === 'events.k8s.io' ? 'subdomain' : 'path-segment';
  return BY_KIND[kind] ?? 'subdomain';
}

/** Messages for a name under a rule; prefix=true checks a generateName (a trailing '-' is allowed). */
export function validateName(rule: NameRule, name: string, prefix = false): string[] {
  if (rule === 'path-segment') return isValidPathSegmentName(name, prefix);
  // upstream masks a trailing dash of a generateName prefix before checking
  const n = prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
  switch (rule) {
    case 'label':
      return isDNS1123Label(n);
    case 'dns1035':
      return isDNS1035Label(n);
    default:
      return isDNS1123Subdomain(n);
  }
}
