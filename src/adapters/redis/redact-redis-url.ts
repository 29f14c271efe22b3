/** Query parameters whose value is a secret (ioredis turns every query parameter into an option: `?password=`). */
const SECRET_PARAM = /pass|pwd|secret|token|^auth$/i;

const MASK = '***';

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};

/**
 * Masks the value of every secret query parameter (`?password=`, `&pass=`, `?sentinelPassword=`, percent-encoded
 * names too). A value runs to the next `&name=` (an unencoded `&` inside it stays masked) or the end.
 */
function maskQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url.slice(q + 1).split(/&(?=[^&=]*=)/);
  const masked = params.map((p) => {
    const eq = p.indexOf('=');
    return eq >= 0 && SECRET_PARAM.test(decode(p.slice(0, eq))) ? `${p.slice(0, eq)}=${MASK}` : p;
  });
  return `${url.slice(0, q)}?${masked.join('&')}`;
}

/**
 * Masks the password of the userinfo (`//user:secret@` -> `//user:***@`; a bare `//secret@` -> `//***@`). The userinfo
 * ends at the last `@` (not counting one inside a query parameter), so a password with an unencoded `@`, `/`, `:`,
 * `?` or `#` is masked whole.
 */
function maskUserinfo(url: string): string {
  const start = url.indexOf('//');
  if (start < 0) return url;
  const q = url.indexOf('?', start);
  let at = url.lastIndexOf('@');
  // An `@` in the query ends the userinfo only when no parameter comes before it (a `?` inside a password).
  if (q >= 0 && at > q && url.slice(q, at).includes('=')) at = url.lastIndexOf('@', q);
  if (at < start) return url;
  const userinfo = url.slice(start + 2, at);
  const colon = userinfo.indexOf(':');
  return `${url.slice(0, start + 2)}${colon >= 0 ? `${userinfo.slice(0, colon)}:${MASK}` : MASK}${url.slice(at)}`;
}

/**
 * A Redis URL fit for a log line or an error message: every password hidden, in every form ioredis accepts
 * (`redis://user:secret@host`, `redis://secret@host`, `rediss://…`, `redis://host?password=secret`,
 * `?username=u&password=secret`, `?pass=`), the user name, host, port and database kept. Text that is not a URL
 * but has an `@` is masked up to it.
 */
export function redactRedisUrl(url: string): string {
  const query = maskQuery(url);
  if (query.includes('//')) return maskUserinfo(query);
  const at = query.lastIndexOf('@', query.includes('?') ? query.indexOf('?') : query.length);
  return at >= 0 ? `${MASK}${query.slice(at)}` : query;
}
