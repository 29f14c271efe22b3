/** `1 client`, `3 clients`, `0 clients`: the one way every count is written. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Media clients as SRS lists them (`GET /api/v1/clients/`): `2 players, 1 publisher`, `3 players`, `1 publisher`,
 * `no clients`. Sockets counted on the host cannot be told apart: those are `plural(n, 'client')`.
 */
export function describeClients(players: number | undefined, publishers?: number): string {
  if (players === undefined) return '? clients';
  if (publishers === undefined) return plural(players, 'player');
  const parts: string[] = [];
  if (players > 0) parts.push(plural(players, 'player'));
  if (publishers > 0) parts.push(plural(publishers, 'publisher'));
  return parts.length === 0 ? 'no clients' : parts.join(', ');
}
