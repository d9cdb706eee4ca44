/**
 * GitHub's offset pagination: `per_page` (default 30, max 100) and 1-based `page`, with a `Link`
 * header carrying rel="prev", "next", "last", "first" as they apply, absolute URLs that keep the
 * other query parameters, and no Link at all when everything fits on the one page asked for.
 * https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
 */

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;

export interface PageRequest {
  perPage: number;
  page: number;
}

export interface Page {
  /** 0-based indices [start, end) into the ordered collection; empty past the end. */
  start: number;
  end: number;
  /** Link header value, undefined when none applies. */
  link: string | undefined;
}

/** Out-of-range or non-numeric values fall back the way GitHub does: clamp to 100, default 30, page 1. */
export function parsePageRequest(query: URLSearchParams): PageRequest {
  const perPageRaw = Number.parseInt(query.get('per_page') ?? '', 10);
  const pageRaw = Number.parseInt(query.get('page') ?? '', 10);
  const perPage = Number.isFinite(perPageRaw) && perPageRaw > 0 ? Math.min(perPageRaw, MAX_PER_PAGE) : DEFAULT_PER_PAGE;
  const page = Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1;
  return { perPage, page };
}

/**
 * @param total size of the collection
 * @param selfUrl the request's absolute URL (origin from its Host header, path and query)
 */
export function paginate(total: number, request: PageRequest, selfUrl: URL): Page {
  const { perPage, page } = request;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const start = Math.min((page - 1) * perPage, total);
  const end = Math.min(start + perPage, total);
  const rels: string[] = [];
  const at = (n: number, rel: string): void => {
    const url = new URL(selfUrl.href);
    url.searchParams.set('page', String(n));
    rels.push(`<${url.href}>; rel="${rel}"`);
  };
  if (page > 1) at(page - 1, 'prev');
  if (page < lastPage) {
    at(page + 1, 'next');
    at(lastPage, 'last');
  }
  if (page > 1) at(1, 'first');
  return { start, end, link: rels.length > 0 ? rels.join(', ') : undefined };
}

/** Builds the items of one page without touching the rest of the collection. */
export function pageItems<T>(page: Page, itemAt: (index: number) => T): T[] {
  const items: T[] = [];
  for (let i = page.start; i < page.end; i += 1) items.push(itemAt(i));
  return items;
}
