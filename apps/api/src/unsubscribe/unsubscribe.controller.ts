import { Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { MikroORM } from '@boomerang/persistence';
import { CustomerPreferencesService } from '@boomerang/retention';
import type { Response } from 'express';

/** RFC 8058 one-click: POST unsubscribes without login or cookies; GET does the same and confirms in a page. */
@Controller('api/v1/unsubscribe')
export class UnsubscribeController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(CustomerPreferencesService) private readonly preferences: CustomerPreferencesService,
  ) {}

  @Post(':token')
  @HttpCode(200)
  async oneClick(@Param('token') token: string) {
    const { email } = await this.preferences.unsubscribe(this.orm.em.fork(), token);
    return { unsubscribed: true, email };
  }

  @Get(':token')
  async page(@Param('token') token: string, @Res() res: Response) {
    const { email } = await this.preferences.unsubscribe(this.orm.em.fork(), token);
    const safe = email.replace(/[&<>"']/g, '');
    res.type('html').send(`<!doctype html><title>Unsubscribed</title><p>${safe} will no longer receive marketing email from this store.</p>`);
  }
}
