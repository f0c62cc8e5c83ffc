import { Controller, Get, Inject } from '@nestjs/common';
import { MikroORM } from '@boomerang/persistence';

@Controller('api/v1/health')
export class HealthController {
  constructor(@Inject(MikroORM) private readonly orm: MikroORM) {}

  @Get()
  async health() {
    await this.orm.em.fork().execute('select 1');
    return { status: 'ok' };
  }
}
