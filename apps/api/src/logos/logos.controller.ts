import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@boomerang/persistence';
import { LOGO_TYPES, StoreLogoService } from '@boomerang/stores';
import type { Response } from 'express';
import { z } from 'zod';
import { Fails, IdParam, ValidParam } from '../common/contract.js';

const image = Object.fromEntries(Object.keys(LOGO_TYPES).map((type) => [type, { schema: { type: 'string', format: 'binary' } }]));

/**
 * Store logos as emails load them: public (a mail client sends no credentials), named by the hash of their bytes so
 * they never change and may be cached for good; an old name stops answering once the logo is replaced.
 */
@ApiTags('stores')
@Controller('api/v1/logos')
export class LogosController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoreLogoService) private readonly logos: StoreLogoService,
  ) {}

  @Get(':storeId/:file')
  @ApiResponse({ status: 200, description: 'The image; `file` is `<sha256>.<png|jpg|gif|webp>`', content: image })
  @Fails(404)
  async file(@IdParam('storeId') storeId: string, @ValidParam('file', z.string().meta({ description: '`<sha256 hex>.<ext>`' })) file: string, @Res() res: Response) {
    const logo = await this.logos.file(this.orm.em.fork(), storeId, file);
    res
      .set({
        'content-type': logo.contentType,
        'x-content-type-options': 'nosniff',
        'cache-control': 'public, max-age=31536000, immutable',
        // Nothing in an image runs, and nothing else may be framed or loaded through it.
        'content-security-policy': "default-src 'none'; sandbox",
        'cross-origin-resource-policy': 'cross-origin',
      })
      .send(logo.bytes);
  }
}
