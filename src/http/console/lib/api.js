// The API client: same-origin cookies, the CSRF token on every change, Chinese messages from the server's
// answer (with its per-field details), and a redirect to sign-in when the session is gone.
import { session } from './session.js'

export class HttpError extends Error {
  constructor(status, body) {
    super((body && body.message) || `请求失败（${status}）`)
    this.status = status
    this.body = body
  }
}

export async function api(method, url, body) {
  const init = { method, headers: {}, credentials: 'same-origin' }
  if (method !== 'GET') init.headers['x-csrf-token'] = (session.me && session.me.csrfToken) || ''
  if (body instanceof FormData) init.body = body
  else if (body !== undefined) {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const res = await fetch(url, init)
  if (res.status === 401) {
    location.href = '/console/sign-in'
    throw new HttpError(401, { message: '请先登录' })
  }
  const type = res.headers.get('content-type') || ''
  const data = type.includes('json') ? await res.json() : await res.text()
  if (!res.ok) {
    const details = data && Array.isArray(data.details) ? '\n' + data.details.join('\n') : ''
    throw new HttpError(res.status, { ...(typeof data === 'object' ? data : {}), message: ((data && data.message) || `请求失败（${res.status}）`) + details })
  }
  return data
}

export const get = (url, query) => api('GET', query ? `${url}?${new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''))}` : url)
export const post = (url, body) => api('POST', url, body)
export const put = (url, body) => api('PUT', url, body)
export const patch = (url, body) => api('PATCH', url, body)
export const del = (url) => api('DELETE', url)
