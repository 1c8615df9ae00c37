// Render Liquid with LiquidJS for auth0_branding, one JSON request per stdin line and one
// JSON answer per stdout line, so a preview pays node's start-up once, not once a render.
//
// First line out: {"ready": true, "version": "10.30.1"}.
// Request:  {"template": "...", "data": {...}, "head": "...", "widget": "..."}
// Answer:   {"ok": true, "output": "..."} or {"ok": false, "error": "...", "line": 3, "col": 7}
//
// LiquidJS runs with its default options (the ones docs/architecture.md says we assume of
// Auth0), plus Auth0's own tags: `auth0:head` and `auth0:widget` (LiquidJS reads `auth0` as
// the tag's name and `:head` as its arguments) and the email-only `debug`, which renders
// nothing here.
'use strict'
const readline = require('readline')
const liquidjs = require('liquidjs')

// Auth0 stores no files to include or render: an empty set, never the disk. The limits turn
// a runaway template (a loop of loops, a string doubled in a loop) into an error instead of
// a preview that hangs; they change nothing a template that finishes renders.
const engine = new liquidjs.Liquid({ templates: {}, renderLimit: 5000, memoryLimit: 1e8 })
let slots = {}
engine.registerTag('auth0', {
  parse (token) {
    // Only the joined names: `auth0 :head` is not an Auth0 tag.
    const written = token.content.trim()
    if (written !== 'auth0:head' && written !== 'auth0:widget') {
      throw new Error(`unknown Auth0 tag '${written}'`)
    }
    this.slot = written.slice('auth0:'.length)
  },
  render () { return slots[this.slot] || '' }
})
engine.registerTag('debug', { parse () {}, render () { return '' } })

// Parsed templates by text: the preview renders the same few templates again and again.
const parsed = new Map()
const CACHE_SIZE = 256

function parse (text) {
  let templates = parsed.get(text)
  if (templates === undefined) {
    templates = engine.parse(text)
    if (parsed.size >= CACHE_SIZE) parsed.delete(parsed.keys().next().value)
    parsed.set(text, templates)
  }
  return templates
}

function answer (request) {
  try {
    const templates = parse(request.template)
    if (request.parse) return { ok: true, output: '' }
    slots = { head: request.head || '', widget: request.widget || '' }
    return { ok: true, output: engine.renderSync(templates, request.data || {}) }
  } catch (error) {
    const at = error.token ? error.token.getPosition() : [null, null]
    const message = String(error.message).replace(/, line:\d+, col:\d+$/, '')
    return { ok: false, error: message, line: at[0], col: at[1] }
  }
}

process.stdout.write(JSON.stringify({ ready: true, version: liquidjs.version }) + '\n')
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  process.stdout.write(JSON.stringify(answer(JSON.parse(line))) + '\n')
})
