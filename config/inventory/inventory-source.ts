/** Where the hosts came from, as `/srs hosts` and doctor say it. */
export interface InventorySource {
  /** `config`: listed under `hosts` in the config file; `yaml`: a YAML host list; `ansible-yaml` / `ansible-ini`: an Ansible inventory. */
  kind: 'config' | 'yaml' | 'ansible-yaml' | 'ansible-ini';
  /** The file read (absolute). */
  path: string;
  /** The Ansible group the SRS hosts were taken from, when one was set. */
  group?: string;
}

/** The source in words: `Ansible inventory /etc/ansible/hosts (INI), group srs`. */
export function describeSource(source: InventorySource): string {
  const group = source.group !== undefined ? `, group ${source.group}` : '';
  switch (source.kind) {
    case 'config':
      return `the hosts list in ${source.path}`;
    case 'yaml':
      return `YAML host list ${source.path}${group}`;
    case 'ansible-yaml':
      return `Ansible inventory ${source.path} (YAML)${group}`;
    case 'ansible-ini':
      return `Ansible inventory ${source.path} (INI)${group}`;
  }
}
