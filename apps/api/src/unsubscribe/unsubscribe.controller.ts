import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Fails, Returns } from '../common/contract.js';
import { DomainError } from '@boomerang/domain';
import { MikroORM } from '@boomerang/persistence';
import { CustomerPreferencesService } from '@boomerang/engagement';
import type { Request, Response } from 'express';
import { linkErrorPage, resubscribedPage, unsubscribedPage } from './unsubscribe-page.js';

/**
 * RFC 8058 one-click: a POST unsubscribes in one request without login or cookies (mail clients send
 * `List-Unsubscribe=One-Click`, which we need not read). A GET (the footer link) does the same and shows a page
 * with a resubscribe button. Pages answer errors as pages; API-style requests get the JSON error.
 */
@ApiTags('unsubscribe')
@Controller('api/v1/unsubscribe')
export class UnsubscribeController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(CustomerPreferencesService) private readonly preferences: CustomerPreferencesService,
  ) {}

  @Post(':token')
  @HttpCode(200)
  @Returns(200, z.object({ unsubscribed: z.literal(true), email: z.string() }), 'RFC 8058 one-click unsubscribe')
  @Fails(400, 401, 404)
  async oneClick(@Param('token') token: string) {
    const { email } = await this.preferences.unsubscribe(this.orm.em.fork(), token);
    return { unsubscribed: true, email };
  }

  @Get(':token')
  @ApiResponse({ status: 200, description: 'Unsubscribes and shows a page with a resubscribe button (errors are pages too)', content: { 'text/html': { schema: { type: 'string' } } } })
  async page(@Param('token') token: string, @Res() res: Response) {
    await this.asPage(res, async () => {
      const { email } = await this.preferences.unsubscribe(this.orm.em.fork(), token);
      return unsubscribedPage(email, `/api/v1/unsubscribe/${encodeURIComponent(token)}/resubscribe`);
    });
  }

  @Post(':token/resubscribe')
  @HttpCode(200)
  @Returns(200, z.object({ subscribed: z.literal(true), email: z.string() }), 'JSON, or a page when the client accepts HTML')
  @Fails(400, 401, 404)
  async resubscribe(@Param('token') token: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    if (req.accepts(['json', 'html']) === 'html') {
      await this.asPage(res, async () => resubscribedPage((await this.preferences.resubscribe(this.orm.em.fork(), token)).email));
      return;
    }
    const { email } = await this.preferences.resubscribe(this.orm.em.fork(), token);
    return { subscribed: true, email };
  }

  private async asPage(res: Response, render: () => Promise<string>): Promise<void> {
    try {
      res.type('html').send(await render());
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      res.status(err.code === 'not_found' ? 404 : 400).type('html').send(linkErrorPage(err.message));
    }
  }
}
