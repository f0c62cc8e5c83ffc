import type { MikroORM } from '@boomerang/persistence';
import { ConnectionsService, CredentialsCipher } from '@boomerang/stores';
import type { PlatformSettings } from '@boomerang/validation';

/** The stores' connections as the worker opens them (sealed credentials → platform clients), from its config. */
export function workerConnections(orm: MikroORM, settings: PlatformSettings & { publicUrl: string }): ConnectionsService {
  return new ConnectionsService({
    cipher: CredentialsCipher.fromBase64(settings.credentialsKey),
    endpoints: settings.platformEndpoints,
    publicUrl: settings.publicUrl,
    em: () => orm.em.fork(),
  });
}
