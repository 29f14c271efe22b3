import { REQUEST_ID_PATTERN } from '../request-id';

/** Block Kit action ids of a fan-out table's paging buttons. */
export const TABLE_ACTIONS = {
  prev: 'srs_table_prev',
  next: 'srs_table_next',
} as const;

/** What a paging button carries: the request whose results the table shows, and the page it shows when pressed. */
export interface TableButtonValue {
  id: string;
  /** 0-based. */
  page: number;
}

/** A page number no fan-out reaches (100,000 hosts at the smallest page): anything above is damaged. */
const PAGE_MAX = 100_000;

/** Parses a paging button's value; undefined when it is not one of ours. */
export function parseTableButtonValue(value: string | undefined): TableButtonValue | undefined {
  if (value === undefined || value.length > 200) return undefined;
  try {
    const v = JSON.parse(value) as Partial<TableButtonValue>;
    if (
      typeof v.id === 'string' &&
      REQUEST_ID_PATTERN.test(v.id) &&
      Number.isInteger(v.page) &&
      (v.page as number) >= 0 &&
      (v.page as number) <= PAGE_MAX
    )
      return { id: v.id, page: v.page as number };
  } catch {
    return undefined;
  }
  return undefined;
}
