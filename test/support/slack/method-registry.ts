import type { MethodHandler, TokenKind } from './standin-types';

export interface RegisteredMethod {
  handler: MethodHandler;
  tokenKind: TokenKind;
}

/** Web API methods the stand-in answers; anything else is `unknown_method`. */
export class MethodRegistry {
  private readonly methods = new Map<string, RegisteredMethod>();

  register(method: string, handler: MethodHandler, tokenKind: TokenKind = 'bot'): void {
    this.methods.set(method, { handler, tokenKind });
  }

  get(method: string): RegisteredMethod | undefined {
    return this.methods.get(method);
  }

  names(): string[] {
    return [...this.methods.keys()].sort();
  }
}
