/** Shortest dashboard password accepted. */
export const MIN_DASHBOARD_PASSWORD = 12;

/** Fewest different characters a dashboard password may have. */
const MIN_DISTINCT = 6;

/** Passwords (and password stems: `Password2024!` is `password`) found at the top of every leaked-password list. */
const COMMON = new Set([
  'password',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  'qwerty',
  'qwertyuiop',
  'azerty',
  'letmein',
  'welcome',
  'admin',
  'administrator',
  'root',
  'changeme',
  'changeit',
  'default',
  'secret',
  'iloveyou',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'sunshine',
  'princess',
  'trustno',
  'master',
  'shadow',
  'superman',
  'starwars',
  'whatever',
  'operator',
  'dashboard',
  'bullboard',
  'queues',
  'srschatops',
  'chatops',
  'test',
  'guest',
  'login',
  'abc',
  'user',
]);

/** Runs of keys an operator types when asked for "a long password". */
const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '0123456789', 'qwertyuiopasdfghjklzxcvbnm', 'azertyuiopqsdfghjklmwxcvbn'];

/** Why `password` is too weak for the dashboard of `user`, or undefined when it is fine. */
function weakness(user: string, password: string): string | undefined {
  if (password.length < MIN_DASHBOARD_PASSWORD) return `it has ${password.length} characters`;
  if (password.trim() === '') return 'it is all whitespace';
  if (/^([\s\S]+?)\1+$/.test(password)) return 'it is a repeated pattern';
  if (new Set(password).size < MIN_DISTINCT) return `it uses only ${new Set(password).size} different characters`;
  const lower = password.toLowerCase();
  if (SEQUENCES.some((seq) => seq.repeat(3).includes(lower) || seq.repeat(3).includes([...lower].reverse().join(''))))
    return 'it is a keyboard or alphabet sequence';
  const stem = lower.replace(/^[^a-z]+|[^a-z]+$/g, '');
  if (stem === '') return 'it has no letters';
  if (COMMON.has(stem) || COMMON.has(lower)) return 'it is a common password';
  const name = user.trim().toLowerCase();
  if (name.length >= 3 && lower.split(name).join('').length < 8) return 'it is the user name with little added';
  return undefined;
}

/**
 * Checks the dashboard's Basic-auth credentials; returns what is wrong and what is required, or undefined when they
 * are fine. The message never contains the password.
 */
export function dashboardCredentialsProblem(user: string, password: string): string | undefined {
  if (user.trim() === '') return 'BULL_BOARD_USER is empty: set a user name, or leave it unset for `operator`';
  if (user.includes(':') || [...user].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return 'BULL_BOARD_USER contains `:` or a control character (HTTP Basic cannot carry it): set a plain user name';
  if (password === '')
    return `BULL_BOARD=on needs BULL_BOARD_PASSWORD (at least ${MIN_DASHBOARD_PASSWORD} characters), e.g. from \`openssl rand -base64 24\``;
  const why = weakness(user, password);
  if (why === undefined) return undefined;
  return `BULL_BOARD_PASSWORD is too weak (${why}): use at least ${MIN_DASHBOARD_PASSWORD} characters, ${MIN_DISTINCT} or more different, with letters, that are not a repeated pattern, a keyboard sequence, a common password or the user name, e.g. from \`openssl rand -base64 24\``;
}
