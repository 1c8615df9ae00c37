// node-auth0, unmodified, against the emulator over HTTPS: every endpoint the publisher uses.
// Run by tests/test_emulator_conformance.py: `node conformance.mjs '<tenants JSON>'`, with
// NODE_EXTRA_CA_CERTS pointing at the emulator's CA. Prints one JSON line per check,
// {"check", "ok", "detail"}, and exits 1 if any failed.
import assert from "node:assert/strict";
import { ManagementClient, ManagementError } from "auth0";

const tenants = JSON.parse(process.argv[2]);
const client = (name, secret) => new ManagementClient({
  domain: tenants[name].domain,
  clientId: tenants[name].client_id,
  clientSecret: secret ?? tenants[name].client_secret,
  maxRetries: 0,
});
const dev = client("dev");
const free = client("free");

const UL = "<!DOCTYPE html><html><head>{%- auth0:head -%}</head>"
  + "<body class=\"_widget-auto-layout\">{%- auth0:widget -%}</body></html>";
const FONT = { bold: false, size: 100 };
const COLORS = ("body_text error header icons input_background input_border input_filled_text "
  + "input_labels_placeholders links_focused_components primary_button primary_button_label "
  + "secondary_button_border secondary_button_label success widget_background widget_border")
  .split(" ");
const THEME = {
  borders: { button_border_radius: 3, button_border_weight: 1, buttons_style: "rounded",
    input_border_radius: 3, input_border_weight: 1, inputs_style: "rounded",
    show_widget_shadow: true, widget_border_weight: 0, widget_corner_radius: 5 },
  colors: Object.fromEntries(COLORS.map((name) => [name, "#635dff"])),
  fonts: { font_url: "", reference_text_size: 16, links_style: "normal",
    title: { bold: true, size: 150 }, subtitle: FONT, body_text: FONT, buttons_text: FONT,
    input_labels: FONT, links: FONT },
  page_background: { background_color: "#000000", background_image_url: "",
    page_layout: "center" },
  widget: { header_text_alignment: "center", logo_height: 52, logo_position: "center",
    logo_url: "https://cdn.example.test/logo.png", social_buttons_layout: "bottom" },
};

// Auth0's error body: statusCode, error (the reason phrase), message, and an errorCode
// where Auth0 sends one.
async function refused(call, status, { errorCode, message } = {}) {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof ManagementError, `not a ManagementError: ${error}`);
    assert.equal(error.statusCode, status);
    assert.equal(error.body.statusCode, status);
    assert.equal(typeof error.body.error, "string");
    assert.equal(typeof error.body.message, "string");
    if (errorCode !== undefined) assert.equal(error.body.errorCode, errorCode);
    if (message !== undefined) assert.match(error.body.message, message);
    return error;
  }
  assert.fail(`expected a ${status}`);
}

async function raw(promise) {
  const { data, rawResponse } = await promise.withRawResponse();
  return { data, status: rawResponse.status };
}

const checks = {
  async tokens() {
    const bad = client("dev", "not-the-secret");
    try {
      await bad.branding.get();
      assert.fail("a wrong secret was accepted");
    } catch (error) {
      assert.match(String(error?.message ?? error), /401|access_denied|Unauthorized/);
    }
    const { status } = await raw(dev.branding.get());
    assert.equal(status, 200);
  },

  async email_templates() {
    await refused(() => dev.emailTemplates.get("verify_email"), 404,
      { errorCode: "inexistent_email_template" });
    const body = { template: "verify_email", body: "<a href=\"{{ url }}\">Verify</a>",
      from: "hello@example.test", subject: "Verify", syntax: "liquid", enabled: true };
    const created = await raw(dev.emailTemplates.create(body));
    assert.equal(created.status, 200);
    assert.deepEqual(created.data, body);
    const updated = await dev.emailTemplates.update("verify_email", { subject: "Please verify" });
    assert.equal(updated.subject, "Please verify");
    assert.equal((await dev.emailTemplates.get("verify_email")).body, body.body);
    await refused(() => dev.emailTemplates.create(body), 409);
    await refused(() => dev.emailTemplates.update("verify_email", { syntax: "jinja" }), 400,
      { errorCode: "invalid_body", message: /No enum match for: "jinja"/ });
  },

  async branding() {
    const branding = { colors: { primary: "#0059d6", page_background: "#f4f4f4" },
      logo_url: "https://cdn.example.test/logo.png",
      favicon_url: "https://cdn.example.test/favicon.ico",
      font: { url: "https://cdn.example.test/font.woff2" } };
    const { data, status } = await raw(dev.branding.update(branding));
    assert.equal(status, 200);
    assert.deepEqual(data, branding);
    assert.deepEqual(await dev.branding.get(), branding);
    await refused(() => dev.branding.update({ logo_url: "http://cdn.example.test/l.png" }), 400,
      { errorCode: "invalid_body", message: /on property logo_url/ });
  },

  async universal_login_template() {
    await refused(() => dev.branding.templates.getUniversalLogin(), 404,
      { errorCode: "inexistent_templates_universal_login" });
    assert.equal((await raw(dev.branding.templates.updateUniversalLogin({ template: UL })))
      .status, 201);
    assert.equal((await raw(dev.branding.templates.updateUniversalLogin({ template: UL })))
      .status, 204);
    assert.deepEqual(await dev.branding.templates.getUniversalLogin(), { body: UL });
    await refused(() => dev.branding.templates.updateUniversalLogin({
      template: "<head><!-- {%- auth0:head -%} --></head>{%- auth0:widget -%}" }), 400,
      { errorCode: "invalid_template", message: /single auth0:head tag/ });
    await refused(() => dev.branding.templates.updateUniversalLogin({
      template: "{%- auth0:head -%}{% if x %}{%- auth0:widget -%}" }), 400,
      { errorCode: "invalid_template" });
    await refused(() => free.branding.templates.getUniversalLogin(), 402,
      { errorCode: "feature_not_available" });
  },

  async tenant_settings() {
    const page = { enabled: true, html: "<p>{{ ticket }}</p>" };
    const updated = await raw(dev.tenants.settings.update({ change_password: page,
      error_page: { html: "<p>oops</p>", show_log_link: false, url: "" } }));
    assert.equal(updated.status, 200);
    const read = await dev.tenants.settings.get({ fields: "change_password,error_page",
      include_fields: true });
    assert.deepEqual(read, { change_password: page,
      error_page: { html: "<p>oops</p>", show_log_link: false, url: "" } });
    await refused(() => dev.tenants.settings.update({ enabled_locales: ["en", "xx"] }), 400,
      { errorCode: "invalid_body" });
  },

  async custom_domains() {
    const domains = await dev.customDomains.list();
    assert.equal(domains.length, 1);
    assert.equal(domains[0].domain, tenants.dev.custom_domain);
    assert.equal(domains[0].status, "ready");
    const fallback = await dev.customDomains.getDefault();
    assert.equal(fallback.domain, tenants.dev.custom_domain);
    assert.equal(fallback.is_default, true);
    assert.deepEqual(await free.customDomains.list(), []);
    await refused(() => free.customDomains.getDefault(), 404);
  },

  async themes() {
    await refused(() => dev.branding.themes.getDefault(), 404, { errorCode: "theme_not_found" });
    const created = await dev.branding.themes.create(THEME);
    assert.equal(typeof created.themeId, "string");
    assert.equal(created.displayName, "");
    const changed = structuredClone(THEME);
    changed.colors.primary_button = "#ff0000";
    const updated = await dev.branding.themes.update(created.themeId,
      { ...changed, displayName: "Alder" });
    assert.equal(updated.colors.primary_button, "#ff0000");
    assert.equal((await dev.branding.themes.getDefault()).displayName, "Alder");
    await refused(() => dev.branding.themes.create(THEME), 409);
    const broken = structuredClone(THEME);
    delete broken.widget;
    await refused(() => dev.branding.themes.update(created.themeId, broken), 400,
      { message: /Missing required property: widget/ });
  },

  async global_client() {
    const page = await dev.clients.list({ is_global: true });
    const [global] = page.data;
    assert.equal(page.data.length, 1);
    assert.equal(global.global, true);
    const updated = await dev.clients.update(global.client_id,
      { custom_login_page: "<p>@@config@@</p>", custom_login_page_on: true });
    assert.equal(updated.custom_login_page_on, true);
    await refused(() => dev.clients.list({ per_page: 101 }), 400,
      { errorCode: "invalid_query_string" });
    await refused(() => dev.clients.get("nope"), 404);
  },

  async prompts() {
    const settings = await dev.prompts.getSettings();
    assert.deepEqual(Object.keys(settings).sort(),
      ["identifier_first", "universal_login_experience", "webauthn_platform_first_factor"]);
    const updated = await dev.prompts.updateSettings({ identifier_first: true });
    assert.equal(updated.identifier_first, true);
    await refused(() => dev.prompts.updateSettings({ universal_login_experience: "old" }), 400);
  },

  async custom_text() {
    const texts = { login: { title: "Welcome to Alder & Pine" } };
    const set = await raw(dev.prompts.customText.set("login", "en", texts));
    assert.equal(set.status, 200);
    assert.deepEqual(await dev.prompts.customText.get("login", "en"), texts);
    assert.deepEqual(await dev.prompts.customText.get("login", "fr"), {});
    await refused(() => dev.prompts.customText.set("login", "en",
      { login: { notAKey: "x" } }), 400, { message: /Invalid key "notAKey" in screen "login"/ });
  },

  async partials() {
    const partials = { login: { "form-content-start": "<p>Hello</p>" } };
    await dev.prompts.partials.set("login", partials);
    assert.deepEqual(await dev.prompts.partials.get("login"), partials);
    await refused(() => dev.prompts.partials.set("login",
      { login: { "nowhere": "<p>x</p>" } }), 400, { message: /Invalid insertion point/ });
  },

  async phone_templates() {
    const listed = await dev.branding.phone.templates.list();
    assert.equal(listed.templates.length, 5);
    assert.ok(listed.templates.every((t) => t.id === undefined && t.content.body.text));
    const created = await dev.branding.phone.templates.create({ type: "otp_verify",
      disabled: false, content: { body: { text: "{{ code }} is your code" } } });
    assert.equal(typeof created.id, "string");
    const updated = await dev.branding.phone.templates.update(created.id,
      { content: { body: { voice: "Your code is {{ code }}" } } });
    assert.equal(updated.content.body.text, "{{ code }} is your code");
    assert.equal(updated.content.body.voice, "Your code is {{ code }}");
    assert.equal((await dev.branding.phone.templates.get(created.id)).type, "otp_verify");
    await refused(() => dev.branding.phone.templates.get("pht_missing"), 404);
  },

  async organizations() {
    const found = await dev.organizations.getByName("acme");
    assert.equal(found.name, "acme");
    const branding = { logo_url: "https://cdn.example.test/acme.png",
      colors: { primary: "#35526b", page_background: "#ffffff" } };
    const updated = await dev.organizations.update(found.id, { branding });
    assert.deepEqual(updated.branding, branding);
    await refused(() => dev.organizations.update(found.id,
      { branding: { colors: { primary: "#35526b" } } }), 400,
      { message: /Missing required property: page_background/ });
    await refused(() => dev.organizations.getByName("nobody"), 404,
      { errorCode: "inexistent_organization" });
  },
};

let failed = 0;
for (const [name, check] of Object.entries(checks)) {
  try {
    await check();
    console.log(JSON.stringify({ check: name, ok: true }));
  } catch (error) {
    failed += 1;
    console.log(JSON.stringify({ check: name, ok: false, detail: String(error?.stack ?? error) }));
  }
}
process.exit(failed ? 1 : 0);
