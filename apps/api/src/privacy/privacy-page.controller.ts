import { Controller, Get, HttpCode, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@boomerang/persistence';
import { openLinkSchema, ProfileLinkService, subscriptionSchema } from '@boomerang/privacy';
import type { Request, Response } from 'express';
import { Fails, Returns, ValidBody } from '../common/contract.js';
import { bearer } from '../common/store-access.js';
import { customerExportSchema, linkStateSchema, privacyPageSchema, privacySessionSchema } from './privacy.views.js';

/**
 * The public side of "Send Profile Information": no sign-in, the emailed token is the credential. The dashboard's
 * `/privacy/<token>` page looks at the link (GET, spends nothing), uses it once (POST sessions) and keeps the page
 * session in an http-only cookie, sending it here as `Authorization: Bearer bmp_…`.
 */
@ApiTags('privacy')
@Controller('api/v1/privacy')
export class PrivacyPageController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(ProfileLinkService) private readonly links: ProfileLinkService,
  ) {}

  @Get('links/:token')
  @Returns(200, linkStateSchema, 'The link is valid (until expiresAt); looking does not use it')
  @Fails(400, 410)
  async peek(@Param('token') token: string) {
    return this.links.peek(this.orm.em.fork(), token);
  }

  @Post('sessions')
  @HttpCode(201)
  @Returns(201, privacySessionSchema, 'Uses the link (once) and opens a page session of 15 minutes')
  @Fails(400, 410)
  async open(@ValidBody(openLinkSchema) body: unknown) {
    return this.links.open(this.orm.em.fork(), body);
  }

  @Get('session')
  @ApiBearerAuth('privacySession')
  @Returns(200, privacyPageSchema, 'What the store holds about the customer')
  @Fails(401)
  async view(@Req() req: Request) {
    return this.links.view(this.orm.em.fork(), bearer(req));
  }

  @Put('session/subscription')
  @ApiBearerAuth('privacySession')
  @Returns(200, privacyPageSchema, 'Subscribes or unsubscribes the customer from the store’s marketing email')
  @Fails(400, 401)
  async subscription(@Req() req: Request, @ValidBody(subscriptionSchema) body: unknown) {
    return this.links.setSubscription(this.orm.em.fork(), bearer(req), body);
  }

  @Get('session/export')
  @ApiBearerAuth('privacySession')
  @Returns(200, customerExportSchema, 'Everything about the customer as a JSON attachment')
  @Fails(401)
  async export(@Req() req: Request, @Res() res: Response) {
    const exported = await this.links.export(this.orm.em.fork(), bearer(req));
    const day = exported.exportedAt.toISOString().slice(0, 10);
    res
      .set({ 'content-disposition': `attachment; filename="my-data-${day}.json"`, 'cache-control': 'no-store' })
      .type('application/json')
      .send(JSON.stringify(exported, null, 2));
  }
}
