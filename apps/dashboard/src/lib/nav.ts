// The store section's navigation is data: later issues add Customers, Segments, Orders, Connections here.

export interface NavItem {
  label: string;
  href: string;
  /** Exact: only this page is "current" (the store home); otherwise every page below it. */
  exact?: boolean;
}

export function storeNav(storeId: string): NavItem[] {
  const base = `/stores/${encodeURIComponent(storeId)}`;
  return [
    { label: 'Dashboard', href: base, exact: true },
    { label: 'Customers', href: `${base}/customers` },
    { label: 'Orders', href: `${base}/orders` },
    { label: 'Workflows', href: `${base}/workflows` },
    { label: 'Logs', href: `${base}/workflows/logs` },
    { label: 'Segments', href: `${base}/segments` },
    { label: 'Connection', href: `${base}/connection` },
    { label: 'Webhooks', href: `${base}/webhooks` },
    { label: 'Apps', href: `${base}/apps` },
    { label: 'Settings', href: `${base}/settings` },
  ];
}

/** The "Add New" menu's entries for a store. */
export function addNewItems(storeId: string): NavItem[] {
  return [
    { label: 'Workflow', href: `/stores/${encodeURIComponent(storeId)}/workflows/new` },
    { label: 'Segment', href: `/stores/${encodeURIComponent(storeId)}/segments/new` },
    { label: 'Webhook', href: `/stores/${encodeURIComponent(storeId)}/webhooks/new` },
    { label: 'App', href: `/stores/${encodeURIComponent(storeId)}/apps/new` },
  ];
}

/** The one nav entry that the current path belongs to (the longest match), for aria-current. */
export function currentNavItem(items: NavItem[], pathname: string): NavItem | undefined {
  const path = pathname.replace(/\/+$/, '') || '/';
  const matches = items.filter((item) => (item.exact ? path === item.href : path === item.href || path.startsWith(`${item.href}/`)));
  return matches.sort((a, b) => b.href.length - a.href.length)[0];
}
