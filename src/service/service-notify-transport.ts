/**
 * The transport the sender uses unless the service is given one: `notify/notify-deliver.ts`,
 * loaded on first use (a command that sends nothing never loads nodemailer).
 */
import type { DeliverFn } from '../core/notify-delivery.ts';

let loaded: Promise<DeliverFn> | undefined;

/** The default transport. */
export function loadDeliver(): Promise<DeliverFn> {
  loaded ??= import('../notify/notify-deliver.ts').then((m) => m.deliver as unknown as DeliverFn);
  return loaded;
}
