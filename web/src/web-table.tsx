/** A table that scrolls sideways on a narrow screen, with its column headings. */
import type { ReactNode } from 'react';

/**
 * The rows go in as children (`<tr>`s); the headings are column headers for screen readers.
 *
 * @example <ScrollTable head={['Version', 'State']}>{rows}</ScrollTable>
 */
export function ScrollTable({
  head,
  className,
  children,
}: {
  head: ReactNode[];
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className="scroll">
      <table className={className}>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th scope="col" key={i}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
