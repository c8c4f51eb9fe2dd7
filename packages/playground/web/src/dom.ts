/** Replaces a table's rows with `[label, value]` pairs (text only: nothing is parsed as HTML). */
export function fillTable(table: HTMLElement, rows: readonly (readonly [string, string])[]): void {
  const body = table.querySelector('tbody') as HTMLElement
  body.replaceChildren(
    ...rows.map(([k, v]) => {
      const tr = document.createElement('tr')
      for (const t of [k, v]) tr.appendChild(document.createElement('td')).textContent = t
      return tr
    }),
  )
}
