import { Controller, Get, Inject, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { MikroORM } from '@boomerang/persistence';
import { EXPORT_COLUMNS, LOG_KINDS, logExportQuerySchema, MAX_EXPORT_ROWS, MessageLogService, type LogExportQuery, type LogKind } from '@boomerang/reporting';
import { StoresService } from '@boomerang/stores';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Fails, IdParam, ValidParam, ValidQuery } from '../common/contract.js';
import { openStore, StoreKeyGuard } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

const logKindSchema = z.enum(LOG_KINDS, { error: `must be one of ${LOG_KINDS.join(', ')}` });

/** The marker row that ends an export cut at MAX_EXPORT_ROWS. */
export const TRUNCATED_MARKER = `# truncated: only the first ${MAX_EXPORT_ROWS} rows are exported; narrow the date range (from, to) for the rest`;

@ApiTags('messages')
@ApiBearerAuth('apiKey')
@UseGuards(StoreKeyGuard)
@Controller('api/v1/stores/:storeId/logs/:kind/export')
export class LogExportController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(MessageLogService) private readonly log: MessageLogService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /**
   * A whole log (`from`/`to`, `ruleId`) as CSV, streamed page by page: memory stays bounded whatever its length. At most
   * 100,000 rows (header `X-Export-Row-Limit`); a longer log ends with a row starting `# truncated`.
   */
  @Get()
  @ApiResponse({
    status: 200,
    description: `CSV with a header row, in the log's order; at most ${MAX_EXPORT_ROWS} rows, then a \`# truncated\` row if more matched`,
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @Fails(400, 401, 404)
  async export(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidParam('kind', logKindSchema) kind: LogKind, @ValidQuery(logExportQuerySchema) q: LogExportQuery, @Res() res: Response) {
    const { em, store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    const columns = EXPORT_COLUMNS[kind];
    const day = new Date().toISOString().slice(0, 10);
    res.set({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="boomerang-${kind}-${day}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-export-row-limit': String(MAX_EXPORT_ROWS),
    });
    const rows = this.log.exportRows(em, kind, store.id, q);
    const records = Readable.from(
      (async function* () {
        for await (const row of rows) yield 'truncated' in row ? { [columns[0]!]: TRUNCATED_MARKER } : row;
      })(),
    );
    // Cells starting = + - @ are prefixed with ' by `escape_formulas`, so a customer's name cannot run as a spreadsheet formula.
    await pipeline(records, stringify({ header: true, columns, escape_formulas: true, cast: { boolean: (v) => String(v), date: (v) => v.toISOString() } }), res).catch((err: unknown) => {
      // Headers are gone once rows flow: the only thing left to do is to cut the response, so the file is visibly incomplete.
      if (!res.headersSent) throw err;
      res.destroy(err as Error);
    });
  }
}
