// The dashboard's shared components: accessible primitives (bits-ui) wrapped in the dashboard's look.
export { default as Button } from './button.svelte';
export { default as ConfirmDialog } from './confirm-dialog.svelte';
export { default as CopyButton } from './copy-button.svelte';
export { default as DateTime } from './date-time.svelte';
export { default as Dialog } from './dialog.svelte';
export { default as EmptyState } from './empty-state.svelte';
export { default as FormField, type ControlProps } from './form-field.svelte';
export { default as Money } from './money.svelte';
export { default as OrderStatus } from './order-status.svelte';
export { default as Pager } from './pager.svelte';
export { default as SelectField } from './select-field.svelte';
export { default as Spinner } from './spinner.svelte';
export { default as Tabs, type TabItem } from './tabs.svelte';
export { default as DeliveryLog } from './delivery-log.svelte';
export { default as DeliveryStatus } from './delivery-status.svelte';
