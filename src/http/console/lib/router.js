// Hash routes: #/route/part?query. Pages read their parts and query; go() moves to another.
export function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '')
  const [p, qs] = raw.split('?')
  return { parts: (p || 'overview').split('/').map(decodeURIComponent), query: new URLSearchParams(qs || '') }
}

export function go(route, query) {
  const qs = query ? new URLSearchParams([...query.entries()].filter(([, v]) => v !== '')).toString() : ''
  location.hash = `#/${route}${qs ? '?' + qs : ''}`
}
