// Browser tests: the search page, the document view and the embeddable widget, in Debian's chromium
// driven by playwright-core. Run through tests/browser/run.sh, which installs what this needs.
//
// Builds an index from ./corpus in a temporary folder, starts atmp-searchd on free ports (one that
// allows a partner site's origin, and a second one that a test stops), serves two "partner sites"
// on other origins, runs each test in a fresh browser context, saves screenshots to tests/artifacts/,
// and ends with the line "N passed, M failed".
//
// Usage: node tests/browser/suite.mjs [substring-of-a-test-name ...]
// Exit status: 0 all passed, 3 some failed (after the result line); anything else is a crash.

import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.resolve(ROOT, process.env.ATMP_BIN || 'bin');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'tests/artifacts');
const WEB = path.join(ROOT, 'web');
const CORPUS = path.join(ROOT, 'corpus');
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SUITE_DEADLINE_MS = 240_000;
const TEST_TIMEOUT_MS = 45_000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atmp-browser-'));
const children = new Set();
const servers = new Set();

// ---------------------------------------------------------------- processes and servers

function cleanup() {
	for (const c of children)
		if (c.exitCode === null && c.signalCode === null)
			c.kill('SIGKILL');
	for (const s of servers)
		s.close();
	fs.rmSync(tmp, { recursive: true, force: true });
}

for (const sig of ['SIGINT', 'SIGTERM']) {
	process.on(sig, () => {
		console.log(`browser: stopped by ${sig}`);
		cleanup();
		console.log('0 passed, 1 failed');
		process.exit(3);
	});
}

function run(cmd, args) {
	return new Promise((resolve, reject) => {
		const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { out += d; });
		p.on('error', reject);
		p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${out}`))));
	});
}

// Starts atmp-searchd on a free port; resolves once it says where it listens.
function startDaemon(db, extra = []) {
	return new Promise((resolve, reject) => {
		const args = ['--db', db, '--listen', '127.0.0.1:0', '--web', WEB, ...extra];
		const p = spawn(path.join(BIN, 'atmp-searchd'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
		children.add(p);
		let err = '';
		const timer = setTimeout(() => reject(new Error(`atmp-searchd did not start: ${err}`)), 10_000);
		p.stderr.on('data', (d) => {
			err += d;
			const m = /listening on (http:\/\/[^\s/]+)\//.exec(err);
			if (m) {
				clearTimeout(timer);
				resolve({
					url: m[1],
					proc: p,
					stop: () => new Promise((done) => {
						if (p.exitCode !== null || p.signalCode !== null)
							return done();
						const kill = setTimeout(() => p.kill('SIGKILL'), 5000);
						p.once('exit', () => { clearTimeout(kill); children.delete(p); done(); });
						p.kill('SIGTERM');
					}),
				});
			}
		});
		p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`atmp-searchd exited ${code}: ${err}`)); });
	});
}

// A partner site on its own origin: one page that embeds the widget from the daemon. The daemon's
// address is read when the page is served (daemon.url), since the daemon starts after the sites:
// it must be told the allowed site's origin.
function partnerSite(lang, daemon) {
	return new Promise((resolve) => {
		const s = http.createServer((req, res) => {
			if (req.url === '/favicon.ico') {
				res.writeHead(204);
				res.end();
				return;
			}
			if (req.url !== '/' && !req.url.startsWith('/?')) {
				res.writeHead(404, { 'Content-Type': 'text/plain' });
				res.end('not found\n');
				return;
			}
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
			res.end(`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner site</title></head>
<body>
<main>
<h1>A partner site</h1>
<p>This page lives on another origin and embeds the ATMP Danmark search.</p>
<div data-atmp-search data-limit="5"></div>
</main>
<script src="${daemon.url}/widget.js"></script>
</body>
</html>
`);
		});
		servers.add(s);
		s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${s.address().port}`));
	});
}

// ---------------------------------------------------------------- helpers for the tests

async function until(fn, what, timeout = 8000) {
	const end = Date.now() + timeout;
	let last;
	for (;;) {
		try {
			const v = await fn();
			if (v)
				return v;
		} catch (e) {
			last = e;
		}
		if (Date.now() > end)
			throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ''}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

async function shot(page, name) {
	await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

const combobox = (page, name = 'Søg i vidensbasen') => page.getByRole('combobox', { name });
const options = (page) => page.getByRole('option');

// Waits until the hits shown are those of query q (each link carries its query) and no request is
// still running: typing may show hits of a shorter query for a moment.
async function hitsFor(page, q) {
	await until(async () => page.evaluate((want) => {
		const links = [...document.querySelectorAll('[role="option"]')];
		return links.length > 0 && !document.querySelector('.atmp-search.is-loading') &&
			links.every((a) => new URL(a.href).searchParams.get('q') === want);
	}, q), `hits for "${q}"`);
}

// Types like a person (one key at a time) and waits for the hits of that query.
async function typeQuery(page, q, name) {
	const box = combobox(page, name);
	await box.click();
	await box.pressSequentially(q, { delay: 25 });
	await hitsFor(page, q);
	return box;
}

async function noHorizontalScroll(page, width) {
	const sw = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(sw <= width + 1, `page is ${sw}px wide in a ${width}px window`);
}

async function axeCheck(page, label) {
	await page.evaluate(AXE); // CDP evaluation: the page's CSP stays in force for the page itself
	const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
	const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	const other = res.violations.filter((v) => !bad.includes(v));
	if (other.length)
		console.log(`  axe (${label}): ${other.map((v) => `${v.id} [${v.impact}]`).join(', ')} (not serious)`);
	assert.deepEqual(bad.map((v) => `${v.id} [${v.impact}] ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [],
		`axe found serious or critical problems on ${label}`);
}

// ---------------------------------------------------------------- the tests

class Skip extends Error {}
const tests = [];
const test = (name, fn, opts = {}) => tests.push({ name, fn, ...opts });

test('typing a query shows hits with title, badges, section, snippet and date', async ({ page, env }) => {
	const searches = [];
	page.on('request', (r) => { if (r.url().includes('/api/search')) searches.push(r.url()); });
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.goto(env.main + '/');
	await assert.doesNotReject(page.getByText('Prøv for eksempel').waitFor());
	await shot(page, '01-empty-1440');

	const q = 'hospitalsundtagelse';
	const box = await typeQuery(page, q);
	assert.ok(searches.length <= 4, `typing ${q.length} letters sent ${searches.length} searches (not debounced)`);
	assert.equal(await box.getAttribute('aria-expanded'), 'true');
	const first = options(page).first();
	assert.ok((await first.locator('.atmp-hit__title').textContent()).length > 3, 'a hit has a title');
	assert.match(await first.locator('.atmp-badge--type').textContent(), /Vejledning|Spørgsmål og svar|God praksis|Nyhed|Referat|Analyse/);
	assert.match(await first.locator('.atmp-badge--lang').textContent(), /Dansk|Engelsk/);
	assert.match(await first.locator('time').getAttribute('datetime'), /^\d{4}-\d{2}-\d{2}$/);
	assert.match(await first.locator('mark').first().textContent(), /hospitalsundtagelse/i);
	assert.ok(await page.locator('.atmp-hit__section').count() > 0, 'some hits name their section');
	assert.match(await first.getAttribute('href'), /\/doc\/[^?]+\?q=hospitalsundtagelse(#[\w-]+)?$/);
	assert.match(await page.getByRole('status').first().textContent(), /\d+ dokumenter fundet/);
	assert.equal(new URL(page.url()).searchParams.get('q'), q, 'the query is in the address');
	assert.equal(await page.title(), `${q} – Søg – ATMP Danmark`);
	await shot(page, '02-results-1440');
	await noHorizontalScroll(page, 1440);

	const n = await options(page).count();
	const more = page.getByRole('button', { name: 'Vis flere resultater' });
	if (await more.isVisible()) {
		await more.click();
		await until(async () => (await options(page).count()) > n, 'more hits');
	}

	await page.setViewportSize({ width: 360, height: 780 });
	await noHorizontalScroll(page, 360);
	await page.evaluate(() => window.scrollTo(0, 0));
	await shot(page, '03-results-360');
});

test('a slow answer to an older query never replaces the newer hits', async ({ page, env }) => {
	await page.route('**/api/search?*', async (route) => {
		const q = new URL(route.request().url()).searchParams.get('q');
		if (q === 'genterapi')
			await new Promise((r) => setTimeout(r, 1500));
		await route.continue().catch(() => {}); // the widget may have given up on it: fine
	});
	await page.goto(env.main + '/');
	const box = combobox(page);
	await box.fill('genterapi');
	await page.waitForRequest((r) => r.url().includes('q=genterapi'));
	assert.equal(await page.getByRole('status').first().textContent(), 'Søger …', 'the loading state is announced');
	assert.equal(await page.locator('.atmp-search.is-loading').count(), 1, 'the loading state is shown');
	await shot(page, '02b-loading');
	await box.fill('GMP');
	await box.press('Enter');
	await hitsFor(page, 'GMP');
	await page.waitForTimeout(1800); // well past the slow answer
	const hrefs = await options(page).evaluateAll((els) => els.map((a) => a.getAttribute('href')));
	assert.ok(hrefs.length > 0 && hrefs.every((h) => h.includes('q=GMP')), `hits belong to the newest query: ${hrefs[0]}`);
	assert.equal(await box.inputValue(), 'GMP');
});

test('arrow keys move through the hits, Enter opens the document at its section, Esc clears', async ({ page, env }) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.goto(env.main + '/');
	const box = await typeQuery(page, 'hospitalsundtagelse');
	const opts = options(page);
	assert.equal(await box.getAttribute('aria-activedescendant'), null, 'no option is active before the arrows');
	await box.press('ArrowDown');
	const id0 = await opts.nth(0).getAttribute('id');
	assert.equal(await box.getAttribute('aria-activedescendant'), id0);
	assert.equal(await opts.nth(0).getAttribute('aria-selected'), 'true');
	await box.press('ArrowDown');
	assert.equal(await box.getAttribute('aria-activedescendant'), await opts.nth(1).getAttribute('id'));
	assert.equal(await opts.nth(0).getAttribute('aria-selected'), 'false');
	await box.press('ArrowUp');
	assert.equal(await box.getAttribute('aria-activedescendant'), id0);
	assert.ok(await box.evaluate((el) => el === document.activeElement), 'the focus stays in the field');
	await shot(page, '04-keyboard-active');

	const href = await opts.nth(0).getAttribute('href');
	const title = (await opts.nth(0).locator('.atmp-hit__title').textContent()).trim();
	await box.press('Enter');
	await page.waitForURL((u) => u.pathname.startsWith('/doc/'));
	assert.equal(page.url(), new URL(href, env.main).href);

	// the document view
	await until(async () => (await page.locator('#docTitle').textContent()).trim() === title, 'the document title');
	assert.equal(await page.title(), `${title} – ATMP Danmark`);
	const toc = page.getByRole('navigation', { name: 'Indhold' });
	assert.ok(await toc.getByRole('link').count() > 0, 'a table of contents');
	assert.ok(await page.locator('#docBody mark.doc-hl').count() > 0, 'the searched word is highlighted');
	assert.ok(await page.locator('time[datetime]').count() > 0, 'the date');
	assert.match(await page.locator('#docSource a').getAttribute('href'), /^https?:\/\//, 'the source link');
	const anchor = new URL(href).hash.slice(1);
	if (anchor) {
		const target = page.locator(`#docBody [id="${anchor}"]`);
		assert.ok(await target.evaluate((el) => el.classList.contains('is-target')), 'the section is marked');
		assert.ok(await target.evaluate((el) => {
			const r = el.getBoundingClientRect();
			return r.top >= 0 && r.top < window.innerHeight;
		}), 'the section is scrolled into view');
	}
	await shot(page, '05-document-1440');
	await page.setViewportSize({ width: 360, height: 780 });
	await noHorizontalScroll(page, 360);
	await shot(page, '06-document-360');

	// back to the hits, then Esc
	await page.goBack();
	const back = combobox(page);
	await hitsFor(page, 'hospitalsundtagelse');
	assert.equal(await back.inputValue(), 'hospitalsundtagelse');
	await back.focus();
	await back.press('Escape');
	assert.equal(await back.inputValue(), '');
	assert.equal(await options(page).count(), 0);
	assert.equal(await back.getAttribute('aria-expanded'), 'false');
});

test('a type chip filters the hits, and a second click takes the filter off', async ({ page, env }) => {
	const searches = [];
	page.on('request', (r) => { if (r.url().includes('/api/search')) searches.push(new URL(r.url())); });
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.goto(env.main + '/');
	await typeQuery(page, 'GMP');
	const typeGroup = page.getByRole('group', { name: 'Type' });
	const chip = typeGroup.getByRole('button', { name: /Spørgsmål og svar/ });
	assert.equal(await chip.getAttribute('aria-pressed'), 'false');
	const count = Number(await chip.locator('.atmp-chip__count').textContent());
	const before = await options(page).count();
	assert.ok(before > 0 && count > 0);
	await chip.click();
	const pressed = typeGroup.getByRole('button', { name: /Spørgsmål og svar/ });
	await until(async () => (await pressed.getAttribute('aria-pressed')) === 'true', 'the chip to be pressed');
	await until(async () => {
		const types = await page.locator('.atmp-badge--type').allTextContents();
		return types.length > 0 && types.every((t) => t === 'Spørgsmål og svar');
	}, 'only FAQ hits');
	assert.deepEqual(searches.at(-1).searchParams.getAll('type'), ['faq'], 'the request carries type=faq');
	assert.deepEqual(new URL(page.url()).searchParams.getAll('type'), ['faq'], 'the address carries type=faq');
	assert.ok(await pressed.evaluate((el) => el === document.activeElement), 'the chip keeps the focus');
	await shot(page, '07-filtered');
	await pressed.click();
	await until(async () => (await page.locator('.atmp-badge--type').allTextContents()).some((t) => t !== 'Spørgsmål og svar'),
		'other types again');
});

test('the "did you mean" suggestion can be clicked (API answer mocked: a suggestion and no hits)', async ({ page, env }) => {
	// The mock pins the answer the widget must render, whatever the daemon's own suggestion is. It
	// comes late, so the example queries are still shown while the test looks for the suggestion.
	await page.route('**/api/search?*', async (route) => {
		const q = new URL(route.request().url()).searchParams.get('q');
		if (q !== 'hopsitalsundtagelse')
			return route.continue();
		await new Promise((resolve) => setTimeout(resolve, 400));
		return route.fulfill({
			status: 200,
			contentType: 'application/json; charset=utf-8',
			body: JSON.stringify({ query: q, total: 0, took_ms: 0.1, hits: [], suggestion: 'hospitalsundtagelse',
				facets: { type: {}, lang: {} } }),
		});
	});
	await page.goto(env.main + '/');
	const box = combobox(page);
	await box.fill('hopsitalsundtagelse');
	await box.press('Enter');
	// inside the suggestion line: until the answer is shown, the example queries hold a button of
	// the same name ("hospitalsundtagelse" is the first Danish example)
	const line = page.locator('.atmp-suggest');
	const suggestion = line.getByRole('button', { name: 'hospitalsundtagelse', exact: true });
	await suggestion.waitFor();
	assert.match(await line.textContent(), /Mente du hospitalsundtagelse\?/);
	await shot(page, '08-suggestion');
	await suggestion.click();
	await hitsFor(page, 'hospitalsundtagelse');
	assert.equal(await box.inputValue(), 'hospitalsundtagelse');
	assert.equal(new URL(page.url()).searchParams.get('q'), 'hospitalsundtagelse');
});

test('the daemon\'s own "did you mean" suggestion can be clicked (skipped while it gives none)', async ({ page, env }) => {
	const typo = 'hopsitalsundtagelse';
	const api = await (await fetch(env.main + '/api/search?q=' + typo)).json();
	if (typeof api.suggestion !== 'string')
		throw new Skip('this atmp-searchd answers "suggestion": null');
	await page.goto(env.main + '/');
	const box = combobox(page);
	await box.fill(typo);
	await box.press('Enter');
	const suggestion = page.locator('.atmp-suggest').getByRole('button', { name: api.suggestion, exact: true });
	await suggestion.waitFor();
	await suggestion.click();
	await hitsFor(page, api.suggestion);
	assert.equal(await box.inputValue(), api.suggestion);
});

test('a /?q= address shows its hits, again after a reload, and Back returns to it', async ({ page, env }) => {
	await page.goto(env.main + '/?q=' + encodeURIComponent('kliniske forsøg') + '&type=guidance');
	const box = combobox(page);
	const check = async () => {
		await hitsFor(page, 'kliniske forsøg');
		assert.equal(await box.inputValue(), 'kliniske forsøg');
		const chip = page.getByRole('group', { name: 'Type' }).getByRole('button', { name: /Vejledning/ });
		assert.equal(await chip.getAttribute('aria-pressed'), 'true');
		const types = await page.locator('.atmp-badge--type').allTextContents();
		assert.ok(types.every((t) => t === 'Vejledning'), `only guidance: ${types}`);
	};
	await check();
	await page.reload();
	await check();
	await box.fill('CAR-T');
	await box.press('Enter');
	await page.waitForURL((u) => u.searchParams.get('q') === 'CAR-T');
	await until(async () => (await options(page).first().getAttribute('href')).includes('q=CAR-T'), 'hits for CAR-T');
	await page.goBack();
	await check();
});

test('a query without hits says so and gives tips', async ({ page, env }) => {
	await page.goto(env.main + '/');
	const box = combobox(page);
	await box.fill('xqzzyvw');
	await box.press('Enter');
	const none = page.locator('.atmp-noresults');
	await none.waitFor();
	assert.match(await none.textContent(), /Ingen resultater for/);
	assert.ok((await none.getByRole('listitem').count()) >= 3, 'tips');
	assert.match(await page.getByRole('status').first().textContent(), /Ingen resultater/);
	assert.equal(await box.getAttribute('aria-expanded'), 'false');
	await shot(page, '09-no-results');
});

test('with the daemon stopped, a search says it cannot be reached', async ({ page, env }) => {
	const d = await startDaemon(env.db);
	try {
		await page.goto(d.url + '/');
		await typeQuery(page, 'GMP');
	} finally {
		await d.stop();
	}
	const box = combobox(page);
	await box.fill('genterapi');
	await box.press('Enter');
	const alert = page.getByRole('alert');
	await until(async () => /kan ikke nås/.test(await alert.textContent()), 'the unreachable message');
	assert.ok(await page.getByRole('button', { name: 'Prøv igen' }).isVisible(), 'a retry button');
	assert.equal(await options(page).count(), 0, 'no stale hits are left');
	await shot(page, '10-unreachable');
}, { networkErrors: true });

test('the widget on an allowed partner site (another origin) works, in English', async ({ page, env }) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.goto(env.partnerAllowed + '/');
	const name = 'Search the knowledge base';
	await combobox(page, name).waitFor();
	assert.equal(await page.getByRole('button', { name: 'Search', exact: true }).evaluate((b) => getComputedStyle(b).backgroundColor),
		'rgb(11, 92, 138)', 'widget.css was loaded by the widget');
	await typeQuery(page, 'hospital exemption', name);
	assert.match(await page.getByRole('status').first().textContent(), /documents? found/);
	const href = await options(page).first().getAttribute('href');
	assert.ok(href.startsWith(env.main + '/doc/'), `hits link to the daemon: ${href}`);
	assert.ok(await page.locator('.atmp-badge--type').first().textContent());
	await shot(page, '11-partner-allowed');
	await axeCheck(page, 'the partner site with hits');
});

test('the widget on a partner site that is not allowed gets no answers, and says so', async ({ page, env }) => {
	const get = async (origin) => {
		const res = await fetch(env.main + '/api/search?q=GMP', { headers: { Origin: origin } });
		return res.headers.get('access-control-allow-origin');
	};
	assert.equal(await get(env.partnerAllowed), env.partnerAllowed, 'the allowed origin gets CORS');
	assert.equal(await get(env.partnerRefused), null, 'another origin gets no CORS');

	await page.goto(env.partnerRefused + '/');
	const box = combobox(page, 'Search the knowledge base');
	await box.fill('GMP');
	await box.press('Enter');
	const alert = page.getByRole('alert');
	await until(async () => /not set up to be used from this page/.test(await alert.textContent()), 'the refusal message');
	assert.equal(await options(page).count(), 0);
	await shot(page, '12-partner-refused');
}, { networkErrors: true });

test('server text is shown as text: only <mark> in a snippet becomes markup', async ({ page, env }) => {
	await page.route('**/api/search?*', (route) => route.fulfill({
		status: 200,
		contentType: 'application/json; charset=utf-8',
		body: JSON.stringify({
			query: 'x', total: 1, took_ms: 0.1, suggestion: '<img src=x onerror="window.pwned=1">',
			facets: { type: { '<b>faq</b>': 1 }, lang: { da: 1 } },
			hits: [{
				id: 'faq/"><script>window.pwned=1</script>', section: 'a"b', type: 'faq', lang: 'da',
				title: '<img src=x onerror="window.pwned=1">Titel', section_title: '<b>Afsnit</b>',
				source: '<i>Kilde</i>', url: 'javascript:window.pwned=1', updated: '2025-03-07',
				snippet: '&lt;script&gt;window.pwned=1&lt;/script&gt; <mark>GMP</mark> &amp; <b>fed</b> <img src=x onerror="window.pwned=1">',
				why: ['<i>DKMA</i> → Lægemiddelstyrelsen (synonym)'], score: 1,
			}],
		}),
	}));
	await page.goto(env.main + '/');
	const box = combobox(page);
	await box.fill('GMP');
	await box.press('Enter');
	await options(page).first().waitFor();
	const hit = options(page).first();
	assert.equal(await page.locator('.atmp-search img, .atmp-search script, .atmp-search b, .atmp-search i').count(), 0);
	assert.equal(await hit.locator('.atmp-hit__title').textContent(), '<img src=x onerror="window.pwned=1">Titel');
	assert.equal(await hit.locator('mark').count(), 1);
	assert.equal(await hit.locator('mark').textContent(), 'GMP');
	assert.equal(await hit.locator('.atmp-hit__snippet').textContent(),
		'<script>window.pwned=1</script> GMP & <b>fed</b> <img src=x onerror="window.pwned=1">');
	assert.ok((await hit.getAttribute('href')).startsWith(env.main + '/doc/faq/'), 'the link stays on the daemon');
	assert.equal(await page.evaluate(() => window.pwned), undefined);
});

test('axe finds no serious or critical problems on the search page, its states and a document', async ({ page, env }) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.goto(env.main + '/');
	await axeCheck(page, 'the empty search page');
	const box = await typeQuery(page, 'GMP');
	await box.press('ArrowDown');
	await axeCheck(page, 'the search page with hits');
	await page.getByRole('group', { name: 'Type' }).getByRole('button').first().click();
	await until(async () => (await page.locator('.atmp-chip[aria-pressed="true"]').count()) === 1, 'a pressed chip');
	await axeCheck(page, 'the search page with a filter');
	await box.fill('xqzzyvw');
	await box.press('Enter');
	await page.locator('.atmp-noresults').waitFor();
	await axeCheck(page, 'the search page without hits');
	await page.goto(env.main + '/doc/faq/klinikere?q=hospitalsundtagelse#hvordan-soeger-man-om-hospitalsundtagelse');
	await page.locator('#docBody h2').first().waitFor();
	await axeCheck(page, 'a document');
	await page.setViewportSize({ width: 360, height: 780 });
	await axeCheck(page, 'a document at 360px');
});

test('a document shows its table of contents, source and date; its links jump to sections', async ({ page, env }) => {
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.goto(env.main + '/doc/guidance/hospitalsundtagelse?q=' + encodeURIComponent('"kliniske forsøg" -hund type:faq'));
	await page.locator('#docBody h2').first().waitFor();
	assert.equal(await page.locator('#docArticle').getAttribute('lang'), 'da');
	assert.match(await page.locator('#docMeta').textContent(), /Vejledning.*Dansk.*Opdateret \d+\. \w+ \d{4}/);
	assert.equal(await page.locator('#docBack').getAttribute('href'), '/?q=' + encodeURIComponent('"kliniske forsøg" -hund type:faq'));
	const marks = await page.locator('mark.doc-hl').allTextContents();
	assert.ok(marks.length > 0, 'the phrase words are highlighted');
	assert.ok(marks.every((m) => /^(klinisk|forsøg)/i.test(m)), `only searched words are highlighted: ${marks.slice(0, 5)}`);
	await shot(page, '13-document-top');
	const link = page.getByRole('navigation', { name: 'Indhold' }).getByRole('link').nth(1);
	const anchor = decodeURIComponent((await link.getAttribute('href')).slice(1));
	await link.click();
	await until(async () => page.locator(`#docBody [id="${anchor}"]`).evaluate((el) => el.classList.contains('is-target')),
		'the section to be marked');
	await page.getByRole('button', { name: 'Fjern markeringen' }).click();
	assert.equal(await page.locator('mark.doc-hl').count(), 0, 'the highlighting can be removed');
});

test('a document that does not exist gets a clear message', async ({ page, env }) => {
	await page.goto(env.main + '/doc/faq/findes-ikke');
	const alert = page.getByRole('alert');
	await until(async () => /findes ikke/.test(await alert.textContent()), 'the not-found message');
}, { networkErrors: true });

// ---------------------------------------------------------------- main

async function main() {
	const only = process.argv.slice(2);
	const chosen = only.length ? tests.filter((t) => only.some((s) => t.name.includes(s))) : tests;
	fs.mkdirSync(ARTIFACTS, { recursive: true });

	const db = path.join(tmp, 'kb.db');
	await run(path.join(BIN, 'atmp-index'), ['--corpus', CORPUS, '--db', db]);
	const env = { db };
	const late = { url: '' };
	env.partnerAllowed = await partnerSite('en', late);
	env.partnerRefused = await partnerSite('en', late);
	const daemon = await startDaemon(db, ['--allow-origin', env.partnerAllowed]);
	late.url = env.main = daemon.url;

	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		// playwright-core gives every launch a new, empty --user-data-dir of its own
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	console.log(`browser: chromium ${browser.version()}, daemon ${env.main}, partners ${env.partnerAllowed} (allowed) ${env.partnerRefused} (not)`);

	let passed = 0, failed = 0, skipped = 0;
	for (const [i, t] of chosen.entries()) {
		const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'da-DK' });
		const page = await ctx.newPage();
		const problems = [];
		page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
		page.on('console', (m) => {
			if (m.type() !== 'error')
				return;
			const text = m.text();
			if (/Content Security Policy/i.test(text) || !t.networkErrors)
				problems.push(`console: ${text}`);
		});
		const t0 = Date.now();
		try {
			let timer;
			await Promise.race([
				t.fn({ page, ctx, env }),
				new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`took over ${TEST_TIMEOUT_MS / 1000} s`)), TEST_TIMEOUT_MS); }),
			]).finally(() => clearTimeout(timer));
			assert.deepEqual(problems, [], 'the page logged errors');
			passed++;
			console.log(`ok ${i + 1} - ${t.name} (${Date.now() - t0} ms)`);
		} catch (e) {
			if (e instanceof Skip) {
				skipped++;
				console.log(`ok ${i + 1} - ${t.name} # SKIP ${e.message}`);
				continue;
			}
			failed++;
			console.log(`not ok ${i + 1} - ${t.name} (${Date.now() - t0} ms)`);
			console.log(String(e && e.stack || e).split('\n').slice(0, 12).map((l) => '    ' + l).join('\n'));
			if (problems.length)
				console.log(problems.map((p) => '    ' + p).join('\n'));
			await page.screenshot({ path: path.join(ARTIFACTS, `FAILED-${i + 1}.png`) }).catch(() => {});
		} finally {
			await ctx.close().catch(() => {});
		}
	}
	await browser.close();
	await daemon.stop();
	return { passed, failed, skipped };
}

const deadline = setTimeout(() => {
	console.log(`browser: the suite took over ${SUITE_DEADLINE_MS / 1000} s; stopping`);
	cleanup();
	console.log('0 passed, 1 failed');
	process.exit(3);
}, SUITE_DEADLINE_MS);

let result;
try {
	result = await main();
} catch (e) {
	console.log(`browser: ${e && e.stack || e}`);
	result = { passed: 0, failed: 1 };
}
clearTimeout(deadline);
cleanup();
console.log(`${result.passed} passed, ${result.failed} failed` + (result.skipped ? `, ${result.skipped} skipped` : ''));
process.exit(result.failed ? 3 : 0); // 3: tests failed (run.sh tells that from a crash)
