import { Controller, Delete, HttpCode, Inject, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@boomerang/persistence';
import { LOGO_TYPES, StoreLogoService, StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, type SameShape } from '../common/contract.js';
import { openStore, StoreKeyGuard } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

const uploadedLogoSchema = z
  .object({
    logoUrl: z.string().meta({ description: 'Where emails load it from: our own immutable URL' }),
    width: z.number().int(),
    height: z.number().int(),
    recommended: z.object({ width: z.number().int(), height: z.number().int() }).meta({ description: 'The size the email layout shows: 510×120' }),
  })
  .meta({ id: 'UploadedLogo' });
const uploadMatches: SameShape<z.output<typeof uploadedLogoSchema>, Awaited<ReturnType<StoreLogoService['upload']>>> = true;
void uploadMatches;


/** The store's email logo: uploaded as raw image bytes, kept in PostgreSQL, served from our own URL. */
@ApiTags('stores')
@ApiBearerAuth('apiKey')
@UseGuards(StoreKeyGuard)
@Controller('api/v1/stores/:storeId/logo')
export class StoreLogoController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(StoreLogoService) private readonly logos: StoreLogoService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** The body is the image itself (PNG, JPEG, GIF or WebP, at most 512 KiB); its bytes must be of the declared type. */
  @Put()
  @ApiConsumes(...Object.keys(LOGO_TYPES))
  @ApiBody({ required: true, description: 'The image bytes; Content-Type must name their real type', schema: { type: 'string', format: 'binary' } })
  @Returns(200, uploadedLogoSchema, 'Stored; `Store.logoUrl` now points at it')
  @Fails(400, 401, 404, 413, 415)
  async upload(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return this.logos.upload(em, store, String(req.headers['content-type'] ?? ''), bytes);
  }

  @Delete()
  @HttpCode(204)
  @Returns(204, null, 'Removed; `Store.logoUrl` is null')
  @Fails(401, 404)
  async remove(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    await this.logos.remove(em, store);
  }
}
