import { Controller, Get, HttpCode, Inject, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountService, changePasswordSchema, contactsSchema, createAccountStoreSchema, profileSchema, type Principal } from '@boomerang/accounts';
import { MikroORM } from '@boomerang/persistence';
import { z } from 'zod';
import { Fails, Returns, ValidBody } from '../common/contract.js';
import { CurrentPrincipal, SessionGuard } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';
import { createdStoreSchema, storeView } from '../stores/stores.controller.js';
import { accountOverviewSchema, contactsViewSchema, storeListSchema, userSchema } from './account.views.js';

/** The signed-in merchant's account: a live session only (store keys and the admin key do not open it). */
@ApiTags('account')
@ApiBearerAuth('session')
@UseGuards(SessionGuard)
@Controller('api/v1/account')
export class AccountController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(AccountService) private readonly accounts: AccountService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  @Returns(200, accountOverviewSchema, 'The user, the account (trial, alert contacts) and its stores')
  @Fails(401)
  overview(@CurrentPrincipal() principal: Principal) {
    return this.accounts.overview(this.orm.em.fork(), principal);
  }

  @Patch('profile')
  @Returns(200, userSchema)
  @Fails(400, 401)
  updateProfile(@CurrentPrincipal() principal: Principal, @ValidBody(profileSchema) body: unknown) {
    return this.accounts.updateProfile(this.orm.em.fork(), principal, body);
  }

  @Post('password')
  @HttpCode(204)
  @Returns(204, null, 'Changed; every other session of the user is signed out')
  @Fails(400, 401)
  async changePassword(@CurrentPrincipal() principal: Principal, @ValidBody(changePasswordSchema) body: unknown): Promise<void> {
    await this.accounts.changePassword(this.orm.em.fork(), principal, body);
  }

  @Put('contacts')
  @Returns(200, contactsViewSchema, 'The three alert contacts; a null contact means the owner')
  @Fails(400, 401)
  setContacts(@CurrentPrincipal() principal: Principal, @ValidBody(contactsSchema) body: unknown) {
    return this.accounts.setContacts(this.orm.em.fork(), principal, body);
  }

  @Post('stores')
  @HttpCode(201)
  @Returns(201, createdStoreSchema, 'The store, with its API key and webhook secret (shown once) and its trial')
  @Fails(400, 401)
  async createStore(@CurrentPrincipal() principal: Principal, @ValidBody(createAccountStoreSchema) body: unknown): Promise<z.output<typeof createdStoreSchema>> {
    const { created, trial } = await this.accounts.createStore(this.orm.em.fork(), principal, body);
    return {
      ...storeView(created.store),
      apiKey: created.apiKey,
      webhookSecret: created.store.webhookSecret,
      webhookUrl: `${this.config.publicUrl}/api/v1/stores/${created.store.id}/webhooks/orders`,
      trial,
    };
  }

  @Get('stores')
  @Returns(200, storeListSchema, "The account's stores, oldest first")
  @Fails(401)
  async stores(@CurrentPrincipal() principal: Principal) {
    return { stores: await this.accounts.stores(this.orm.em.fork(), principal) };
  }
}
