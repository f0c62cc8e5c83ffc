import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { AuthService, emailOnlySchema, resetPasswordSchema, signInSchema, signUpSchema, userView, verifySchema, type Principal, type SignedIn } from '@boomerang/accounts';
import { MikroORM } from '@boomerang/persistence';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, Returns, ValidBody } from '../common/contract.js';
import { CurrentPrincipal, SessionGuard } from '../common/store-access.js';
import { signedInSchema } from './account.views.js';

/** The client's address as Express resolved it: X-Forwarded-For counts only from proxies TRUST_PROXY names. */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function signedIn({ session, user }: SignedIn): z.output<typeof signedInSchema> {
  return { session: { token: session.token, expiresAt: session.expiresAt }, user: userView(user) };
}

const forwardedFor = ApiHeader({ name: 'X-Forwarded-For', required: false, description: 'The browser’s address, when the dashboard (a trusted proxy, see TRUST_PROXY) calls' });

/** Public, rate-limited (429 `rate_limited` with Retry-After): sign-up, verification, sign-in and out, forgotten password. */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  @Post('sign-up')
  @HttpCode(201)
  @forwardedFor
  @Returns(201, z.object({ email: z.string(), verificationSent: z.literal(true) }), 'Always the same answer, whether or not the address had an account (its owner is told by email)')
  @Fails(400, 429)
  signUp(@Req() req: Request, @ValidBody(signUpSchema) body: unknown) {
    return this.auth.signUp(this.orm.em.fork(), body, clientIp(req));
  }

  @Post('verify')
  @HttpCode(200)
  @Returns(200, signedInSchema, 'The address is verified and the merchant signed in')
  @Fails(400, 410)
  async verify(@ValidBody(verifySchema) body: unknown) {
    return signedIn(await this.auth.verify(this.orm.em.fork(), body));
  }

  @Post('resend-verification')
  @HttpCode(202)
  @forwardedFor
  @Returns(202, z.object({ sent: z.literal(true) }), 'Always the same answer; a new link goes out if the address has an unverified account')
  @Fails(400, 429)
  resendVerification(@Req() req: Request, @ValidBody(emailOnlySchema) body: unknown) {
    return this.auth.resendVerification(this.orm.em.fork(), body, clientIp(req));
  }

  @Post('sign-in')
  @HttpCode(200)
  @forwardedFor
  @Returns(200, signedInSchema)
  @Fails(400, 401, 403, 429)
  async signIn(@Req() req: Request, @ValidBody(signInSchema) body: unknown) {
    return signedIn(await this.auth.signIn(this.orm.em.fork(), body, clientIp(req)));
  }

  @Post('sign-out')
  @HttpCode(204)
  @ApiBearerAuth('session')
  @UseGuards(SessionGuard)
  @Returns(204, null, 'The session is revoked')
  @Fails(401)
  async signOut(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.auth.signOut(this.orm.em.fork(), principal);
  }

  @Post('forgot-password')
  @HttpCode(202)
  @forwardedFor
  @Returns(202, z.object({ sent: z.literal(true) }), 'Always the same answer; a reset link goes out if the address has an account')
  @Fails(400, 429)
  forgotPassword(@Req() req: Request, @ValidBody(emailOnlySchema) body: unknown) {
    return this.auth.forgotPassword(this.orm.em.fork(), body, clientIp(req));
  }

  @Post('reset-password')
  @HttpCode(200)
  @Returns(200, z.object({ reset: z.literal(true) }), 'The new password is set and every session of the user is signed out')
  @Fails(400, 410)
  resetPassword(@ValidBody(resetPasswordSchema) body: unknown) {
    return this.auth.resetPassword(this.orm.em.fork(), body);
  }
}
