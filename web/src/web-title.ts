/** The document's title for a page, so tabs, history and screen readers say where one is. */
import { useEffect } from 'react';

/**
 * Sets `document.title` to `parts` and the product's name.
 *
 * @example useTitle('Release 1.4.0', 'acme/app') // "Release 1.4.0 · acme/app · gonogo"
 */
export function useTitle(...parts: string[]): void {
  const title = [...parts, 'gonogo'].join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}
