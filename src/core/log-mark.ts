/** A position in the SRS log: the file's inode and a byte offset. */
export interface LogMark {
  file: string;
  inode: string;
  offset: number;
}
