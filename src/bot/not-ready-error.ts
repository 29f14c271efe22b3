/** Thrown when an event cannot be delivered yet (the parent message is not posted); the event is retried. */
export class NotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotReadyError';
  }
}
