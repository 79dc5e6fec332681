// The console's entry: loads who is signed in, draws the navigation from pages/registry.js, and renders the page
// the address names. Pages are ES modules loaded when first opened.
import { h, show, errorBox } from './lib/dom.js'
import { api } from './lib/api.js'
import { session, can } from './lib/session.js'
import { parseHash } from './lib/router.js'
import { PAGES } from './pages/registry.js'

let rendering = 0

async function render() {
  const { parts, query } = parseHash()
  const page = PAGES.find((p) => p.route === parts[0] && (!p.need || can(p.need))) || PAGES[0]
  const active = page.active || page.route
  document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === active))
  // on a phone the bar scrolls sideways: keep the current page's link in sight, and the page list on it
  const link = document.querySelector(`[data-nav="${active}"]`)
  if (link && link.parentElement.scrollWidth > link.parentElement.clientWidth) link.scrollIntoView({ block: 'nearest', inline: 'center' })
  const jump = document.querySelector('[data-testid="nav-select"]')
  if (jump) jump.value = active
  const mine = ++rendering
  try {
    const mod = await page.load()
    if (mine !== rendering) return
    await mod.default({ parts, query })
  } catch (e) {
    if (e.status !== 401 && mine === rendering) show(errorBox(e))
  }
}

function drawNav() {
  const nav = document.querySelector('[data-testid="nav"]')
  const shown = PAGES.filter((p) => p.nav !== false && (!p.need || can(p.need)))
  nav.replaceChildren(...shown.map((p) => h('a', { href: `#/${p.route}`, 'data-nav': p.route }, p.title)))
  // on a phone the pages are also one list to pick from (the bar above scrolls sideways through them all)
  const jump = h(
    'select',
    { class: 'nav-select', 'data-testid': 'nav-select', 'aria-label': '前往页面', onchange: (e) => (location.hash = `#/${e.target.value}`) },
    shown.map((p) => h('option', { value: p.route }, p.title)),
  )
  nav.after(jump)
}

async function start() {
  session.me = await api('GET', '/console/api/me')
  const opts = await api('GET', '/console/api/options')
  opts.businesses = await api('GET', '/console/api/businesses')
  session.opts = opts
  const me = session.me
  document.querySelector('[data-testid="who"]').textContent = `${me.name}（${me.roleLabel}${me.townshipName ? ' · ' + me.townshipName : ''}）`
  const csrf = document.querySelector('.sign-out input[name="_csrf"]')
  if (csrf) csrf.value = me.csrfToken || ''
  drawNav()
  window.addEventListener('hashchange', render)
  await render()
  document.body.dataset.ready = 'true'
}

start().catch((e) => {
  if (e.status !== 401) show(errorBox(e))
})
