/** The shape of a request id as src/bot/new-request-id.ts makes them: `r-<time, base 36>-<6 hex digits>`. */
const SHAPE = 'r-[a-z0-9]{1,12}-[a-f0-9]{6}';

/** A request id, whole. */
export const REQUEST_ID_PATTERN = new RegExp(`^${SHAPE}$`);

/** The request id at the start of a job id (`r-...-edge-3`). */
export const REQUEST_ID_PREFIX = new RegExp(`^${SHAPE}`);

/** A request id, or a job id: the request id and a host name. */
export const REQUEST_OR_JOB_ID_PATTERN = new RegExp(`^${SHAPE}(?:-[a-z0-9][a-z0-9._-]{0,80})?$`);
