/**
 * The transport the sender uses unless the service is given one: `notify/notify-deliver.ts`,
 * loaded on first use (a command that sends nothing never loads nodemailer).
 */
import { InternalError } from '../core/errors.ts';
import type { DeliverFn } from '../core/notify-delivery.ts';

/** The default transport. */
export function loadDeliver(): Promise<DeliverFn> {
  return Promise.reject(new InternalError('the notification transport is not part of this build'));
}
