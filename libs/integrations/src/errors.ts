import { DomainError } from '@boomerang/domain';

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('conflict', message);
  }
}
