/** Inputs of one host's `sshd_config`. */
export interface SshdConfigInput {
  port: number;
  hostKeyPath: string;
  pidPath: string;
  authorizedKeysPath: string;
  /** Further directive lines (`PerSourcePenalties no` where the sshd knows it). */
  extraDirectives?: readonly string[];
}

/**
 * An `sshd_config` for one test host: loopback only, key authentication against the fleet's authorized_keys,
 * root allowed with a key, TCP forwarding on (the bot reaches the SRS API with direct-tcpip), generous
 * MaxStartups for parallel connects, no PAM and no file-mode checks (the files live in a temp dir).
 */
export function renderSshdConfig(input: SshdConfigInput): string {
  const lines = [
    `Port ${input.port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${input.hostKeyPath}`,
    `PidFile ${input.pidPath}`,
    `AuthorizedKeysFile ${input.authorizedKeysPath}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'AllowTcpForwarding yes',
    'MaxStartups 100:30:200',
    'MaxSessions 10',
    'LogLevel ERROR',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'X11Forwarding no',
    'Subsystem sftp internal-sftp',
    ...(input.extraDirectives ?? []),
  ];
  return lines.join('\n') + '\n';
}
