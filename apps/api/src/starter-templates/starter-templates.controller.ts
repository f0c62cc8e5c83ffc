import { Controller, Get } from '@nestjs/common';
import { starterTemplates } from '@boomerang/email';

/** Templates a merchant can start a rule from; static content, so no key is needed. */
@Controller('api/v1/starter-templates')
export class StarterTemplatesController {
  @Get()
  list() {
    return { templates: starterTemplates() };
  }
}
