import { Migration } from '@mikro-orm/migrations';

/**
 * Data only (issue 10): order totals, line prices and conversion revenue were stored as `round(amount * 100)` for
 * every currency; they are now the currency's own minor units (JPY 0 decimals, BHD 3). Rescales rows of
 * currencies whose minor unit is not 2 digits. Written by hand: a schema diff cannot generate a data change.
 */
export class Migration20261126003000_AmountsInCurrencyMinorUnits extends Migration {
  override name = 'Migration20261126003000_AmountsInCurrencyMinorUnits';

  override up(): void | Promise<void> {
    this.rescale(1);
  }

  override down(): void | Promise<void> {
    this.rescale(-1);
  }

  private rescale(direction: 1 | -1): void {
    const shifts = Intl.supportedValuesOf('currency')
      .map((code) => [code, new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2] as const)
      .filter(([, digits]) => digits !== 2)
      .map(([code, digits]) => `('${code}', ${direction * (digits - 2)})`);
    if (!shifts.length) return;
    const factors = `(values ${shifts.join(', ')}) as f(code, shift)`;
    const scaled = (expr: string) => `round((${expr})::numeric * power(10::numeric, f.shift))::bigint`;
    this.addSql(
      `update "store_order" o set "total_cents" = ${scaled('o."total_cents"')},
         "lines" = coalesce((select jsonb_agg(jsonb_set(l, '{priceCents}', to_jsonb(${scaled(`l->>'priceCents'`)}))) from jsonb_array_elements(o."lines") l), '[]'::jsonb)
       from ${factors} where o."currency" = f.code;`,
    );
    this.addSql(`update "conversion" c set "revenue_cents" = ${scaled('c."revenue_cents"')} from ${factors} where c."currency" = f.code;`);
  }
}
