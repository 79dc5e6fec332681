// The sign-in page: shows the error the server sent back in the address (as text).
const err = new URLSearchParams(location.search).get('error')
const p = document.querySelector('[data-testid="sign-in-error"]')
if (err && p) {
  p.textContent = err
  p.hidden = false
}
