/**
 * A small router over the History API: every page has its own URL, links navigate without a
 * reload, and the back button works. Enough for four routes; a library would cost more bytes
 * than it saves.
 */
import { useSyncExternalStore } from 'react';
import type { AnchorHTMLAttributes, MouseEvent } from 'react';

const navigated = 'gonogo:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(navigated, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(navigated, onChange);
  };
}

/** The current path (without query and hash); re-renders on navigation. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/**
 * Goes to `to` (a path on this site) without reloading the page.
 *
 * @example navigate('/sign-in?next=%2F', { replace: true })
 */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(navigated));
  if (!to.includes('#')) window.scrollTo(0, 0);
}

/**
 * The path of a release page.
 *
 * @example releaseUrl('github.com/acme/app', '1.0.0') // '/projects/github.com%2Facme%2Fapp/releases/1.0.0'
 */
export function releaseUrl(project: string, version: string): string {
  return `/projects/${encodeURIComponent(project)}/releases/${encodeURIComponent(version)}`;
}

/** A link that navigates in the app (a modified click still opens a new tab). */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, ...rest } = props;
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    e.preventDefault();
    navigate(props.href);
  };
  return <a {...rest} onClick={click} />;
}
