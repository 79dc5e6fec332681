// File upload: files go as multipart form data (never base64 in JSON), with a size limit said in Chinese before
// sending. fileLink() shows a stored file as a download link.
import { h } from './dom.js'
import { api } from './api.js'

export const MAX_UPLOAD_MB = 10

/** checks the files' sizes, then POSTs them with the other fields as multipart/form-data */
export async function upload(url, files, fields = {}, method = 'POST') {
  const fd = new FormData()
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) fd.append(k, String(v))
  for (const [name, list] of Object.entries(files)) {
    for (const file of [].concat(list).filter(Boolean)) {
      if (file.size > MAX_UPLOAD_MB * 1024 * 1024) throw new Error(`文件“${file.name}”超过 ${MAX_UPLOAD_MB}MB，请压缩后再传`)
      fd.append(name, file, file.name)
    }
  }
  return api(method, url, fd)
}

/** a file input with its own label and the limit said */
export function fileInput(name, text, attrs = {}) {
  return h('label', {}, text, h('input', { type: 'file', name, ...attrs }), h('span', { class: 'hint' }, `${MAX_UPLOAD_MB}MB 以内`))
}

/** bytes of a file as base64, for the older JSON APIs that take files that way */
export async function base64Of(file) {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return window.btoa(bin)
}

export const fileLink = (href, text, testid) => h('a', { href, target: '_blank', rel: 'noopener', 'data-testid': testid }, text)
