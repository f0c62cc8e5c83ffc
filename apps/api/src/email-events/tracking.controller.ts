import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { Fails } from '../common/contract.js';
import { NotFoundError } from '@boomerang/domain';
import { MikroORM } from '@boomerang/persistence';
import { EmailEventsService, TrackingTokens } from '@boomerang/engagement';
import type { Response } from 'express';

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** Our own open pixel and click redirect, used with the outbox transport (Postmark tracks its own). */
@ApiTags('tracking')
@Controller('api/v1/t')
export class TrackingController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(TrackingTokens) private readonly tokens: TrackingTokens,
    @Inject(EmailEventsService) private readonly events: EmailEventsService,
  ) {}

  @Get('o/:file')
  @ApiResponse({ status: 200, description: 'A transparent 1×1 GIF; `file` is `<token>.gif`', content: { 'image/gif': { schema: { type: 'string', format: 'binary' } } } })
  @Fails(401, 404)
  async open(@Param('file') file: string, @Res() res: Response) {
    if (!file.endsWith('.gif')) throw new NotFoundError('pixel', file);
    await this.events.recordOpen(this.orm.em, this.tokens.verify(file.slice(0, -4)));
    res.set({ 'content-type': 'image/gif', 'cache-control': 'no-store, max-age=0' }).send(PIXEL);
  }

  @Get('c/:token/:index')
  @ApiResponse({ status: 302, description: 'Redirects to the message\'s own link number `index`' })
  @Fails(400, 401, 404)
  async click(@Param('token') token: string, @Param('index') index: string, @Res() res: Response) {
    const url = await this.events.recordClick(this.orm.em, this.tokens.verify(token), index);
    res.set({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).redirect(302, url);
  }
}
