/*
 * atmp-kb search widget: search the ATMP Danmark knowledge base from any page.
 *
 * Embedding (see docs/widget.md):
 *
 *   <div data-atmp-search></div>
 *   <script src="https://KB-HOST/widget.js" defer></script>
 *
 * Options, as attributes of that element:
 *   data-server="URL"   where the daemon answers (default: the folder widget.js was loaded from)
 *   data-mode="page"    full-page search: the query lives in the address (?q=...), Back works
 *   data-limit="N"      hits per request, 1-100 (default 10)
 *   data-target="_blank" open documents in a new tab
 *   lang="en"           English text (the nearest lang attribute decides; anything else is Danish)
 *
 * The widget follows the WAI-ARIA combobox pattern: focus stays in the text field, the results are
 * the options of a listbox, and aria-activedescendant names the option that the arrow keys reached.
 *
 * Safety: whatever the server says is put into the page as text. The one piece of markup taken
 * from it is <mark> in a snippet, which is cut out by hand (split, then text nodes), never parsed.
 * No inline styles and no inline scripts, so the daemon's Content-Security-Policy holds.
 */
(function () {
	'use strict';

	var script = document.currentScript;
	var scriptUrl = script && script.src ? script.src : document.baseURI;

	var TYPES = ['guidance', 'best-practice', 'faq', 'news', 'minutes', 'analysis'];

	var TEXT = {
		da: {
			locale: 'da-DK',
			label: 'Søg i vidensbasen',
			placeholder: 'F.eks. hospitalsundtagelse',
			submit: 'Søg',
			hint: 'Søg i vejledninger, spørgsmål og svar, nyheder og analyser om ATMP\'er på dansk og engelsk. ' +
				'"to ord" søger efter en frase, -ord udelukker et ord, og gen* finder ord, der begynder med gen.',
			examples: 'Prøv for eksempel:',
			exampleQueries: ['hospitalsundtagelse', 'CAR-T', '"kliniske forsøg"', 'GMP type:faq'],
			listbox: 'Søgeresultater',
			loading: 'Søger …',
			count: function (shown, total) {
				var s = total === 1 ? '1 dokument fundet' : total + ' dokumenter fundet';
				return shown < total ? s + ', viser ' + shown : s;
			},
			none: 'Ingen resultater',
			noneFor: 'Ingen resultater for',
			tips: ['Brug færre ord, eller mere almindelige ord.', 'Tjek stavningen.',
				'Prøv at søge på engelsk – en del af materialet findes kun på engelsk.'],
			tipFilters: 'Fjern filtrene – de begrænser søgningen.',
			didYouMean: 'Mente du',
			more: 'Vis flere resultater',
			facetType: 'Type',
			facetLang: 'Sprog',
			clearFilters: 'Ryd filtre',
			why: 'Fundet via',
			unreachable: 'Søgningen kan ikke nås lige nu. Tjek forbindelsen, og prøv igen om lidt.',
			forbidden: 'Søgningen er ikke sat op til at blive brugt fra denne side.',
			badRequest: 'Søgningen kunne ikke udføres:',
			unavailable: 'Søgeindekset er ikke tilgængeligt lige nu. Prøv igen om lidt.',
			serverError: 'Søgetjenesten svarede med en fejl',
			tooLong: 'Søgningen er for lang. Brug færre ord.',
			retry: 'Prøv igen',
			types: { guidance: 'Vejledning', 'best-practice': 'God praksis', faq: 'Spørgsmål og svar',
				news: 'Nyhed', minutes: 'Referat', analysis: 'Analyse' },
			langs: { da: 'Dansk', en: 'Engelsk' }
		},
		en: {
			locale: 'en-GB',
			label: 'Search the knowledge base',
			placeholder: 'E.g. hospital exemption',
			submit: 'Search',
			hint: 'Search guidance, questions and answers, news and analyses about ATMPs, in Danish and English. ' +
				'"two words" finds a phrase, -word leaves a word out, and gen* finds words that start with gen.',
			examples: 'Try for example:',
			exampleQueries: ['hospital exemption', 'CAR-T', '"clinical trials"', 'GMP type:faq'],
			listbox: 'Search results',
			loading: 'Searching …',
			count: function (shown, total) {
				var s = total === 1 ? '1 document found' : total + ' documents found';
				return shown < total ? s + ', showing ' + shown : s;
			},
			none: 'No results',
			noneFor: 'No results for',
			tips: ['Use fewer words, or more common ones.', 'Check the spelling.',
				'Try searching in Danish – some of the material exists only in Danish.'],
			tipFilters: 'Remove the filters – they narrow the search.',
			didYouMean: 'Did you mean',
			more: 'Show more results',
			facetType: 'Type',
			facetLang: 'Language',
			clearFilters: 'Clear filters',
			why: 'Found through',
			unreachable: 'The search cannot be reached right now. Check the connection and try again shortly.',
			forbidden: 'The search is not set up to be used from this page.',
			badRequest: 'The search could not be run:',
			unavailable: 'The search index is not available right now. Try again shortly.',
			serverError: 'The search service answered with an error',
			tooLong: 'The search is too long. Use fewer words.',
			retry: 'Try again',
			types: { guidance: 'Guidance', 'best-practice': 'Best practice', faq: 'Questions and answers',
				news: 'News', minutes: 'Minutes', analysis: 'Analysis' },
			langs: { da: 'Danish', en: 'English' }
		}
	};

	var MAX_QUERY_BYTES = 1000;
	var DEBOUNCE_MS = 200;
	var TIMEOUT_MS = 15000;
	var counter = 0;

	/* ---- small helpers ---- */

	function uiLang(el) {
		var holder = el.closest('[lang]');
		var l = holder ? holder.getAttribute('lang').toLowerCase() : '';
		return l.slice(0, 2) === 'en' ? 'en' : 'da';
	}

	function h(tag, cls, text) {
		var el = document.createElement(tag);
		if (cls)
			el.className = cls;
		if (text != null)
			el.textContent = text;
		return el;
	}

	var ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'', nbsp: '\u00a0' };

	/* Turns the character references of HTML-escaped text back into characters (as plain text). */
	function unescapeHtml(s) {
		return s.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi,
			function (m, dec, hex, name) {
				if (name)
					return ENTITIES[name.toLowerCase()];
				var cp = dec ? parseInt(dec, 10) : parseInt(hex, 16);
				return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
			});
	}

	/* Fills el from a snippet: HTML-escaped text in which only <mark> and </mark> are markup. */
	function appendSnippet(el, snippet) {
		var into = el;
		String(snippet).split(/(<\/?mark>)/).forEach(function (part) {
			if (part === '<mark>') {
				if (into === el)
					into = el.appendChild(document.createElement('mark'));
			} else if (part === '</mark>') {
				into = el;
			} else if (part) {
				into.appendChild(document.createTextNode(unescapeHtml(part)));
			}
		});
	}

	function formatDate(iso, lang) {
		var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
		if (!m)
			return iso || '';
		var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
		try {
			return new Intl.DateTimeFormat(TEXT[lang].locale, { day: 'numeric', month: 'short', year: 'numeric',
				timeZone: 'UTC' }).format(d);
		} catch (e) {
			return iso;
		}
	}

	function utf8Length(s) {
		return new TextEncoder().encode(s).length;
	}

	function docHref(base, hit, q) {
		var path = String(hit.id).split('/').map(encodeURIComponent).join('/');
		var u = new URL('doc/' + path, base);
		if (q)
			u.searchParams.set('q', q);
		if (hit.section)
			u.hash = hit.section;
		return u.href;
	}

	/* ---- one widget ---- */

	function Widget(root) {
		this.root = root;
		this.lang = uiLang(root);
		this.t = TEXT[this.lang];
		this.page = root.getAttribute('data-mode') === 'page';
		this.target = root.getAttribute('data-target') === '_blank' ? '_blank' : '';
		var limit = parseInt(root.getAttribute('data-limit') || '10', 10);
		this.limit = limit >= 1 && limit <= 100 ? limit : 10;
		this.base = new URL(root.getAttribute('data-server') || './', scriptUrl);
		if (!/\/$/.test(this.base.pathname))
			this.base.pathname += '/';
		this.crossOrigin = this.base.origin !== location.origin;
		this.id = 'atmp-search-' + (++counter);

		this.q = '';            /* the query of the results shown (or being fetched) */
		this.filters = { type: [], lang: [] };
		this.hits = [];
		this.total = 0;
		this.active = -1;
		this.seq = 0;           /* every request gets the next number; only the newest one's answer is used */
		this.ctrl = null;
		this.timer = 0;
		this.typingEntry = false; /* page mode: the current history entry was made by typing */
		this.baseTitle = document.title;

		this.build();
		if (this.page) {
			this.fromUrl();
			var self = this;
			window.addEventListener('popstate', function () { self.fromUrl(); });
		}
	}

	Widget.prototype.build = function () {
		var t = this.t, id = this.id, self = this;
		var root = this.root;
		root.classList.add('atmp-search');
		if (this.page)
			root.classList.add('atmp-search--page');
		while (root.firstChild)
			root.removeChild(root.firstChild);

		var form = h('form', 'atmp-form');
		form.setAttribute('role', 'search');
		form.noValidate = true;
		var label = h('label', 'atmp-label', t.label);
		label.htmlFor = id + '-input';
		var row = h('div', 'atmp-row');
		var input = h('input', 'atmp-input');
		input.type = 'search';
		input.id = id + '-input';
		input.name = 'q';
		input.placeholder = t.placeholder;
		input.autocomplete = 'off';
		input.spellcheck = false;
		input.setAttribute('role', 'combobox');
		input.setAttribute('aria-autocomplete', 'list');
		input.setAttribute('aria-expanded', 'false');
		input.setAttribute('aria-controls', id + '-results');
		input.setAttribute('aria-describedby', id + '-hint');
		input.setAttribute('enterkeyhint', 'search');
		var submit = h('button', 'atmp-submit', t.submit);
		submit.type = 'submit';
		row.append(input, submit);
		form.append(label, row);

		var hint = h('div', 'atmp-hint');
		hint.id = id + '-hint';
		hint.append(h('p', null, t.hint));
		var ex = h('p', 'atmp-examples');
		ex.append(h('span', null, t.examples));
		t.exampleQueries.forEach(function (q) {
			var b = h('button', 'atmp-linkbutton', q);
			b.type = 'button';
			b.addEventListener('click', function () { self.searchFor(q); });
			ex.append(' ', b);
		});
		hint.append(ex);

		var alert = h('div', 'atmp-alert');
		alert.setAttribute('role', 'alert');
		var alertText = h('p', 'atmp-alert__text');
		var retry = h('button', 'atmp-button', t.retry);
		retry.type = 'button';
		retry.hidden = true;
		alert.append(alertText, retry);

		var suggest = h('p', 'atmp-suggest');
		suggest.hidden = true;
		var suggestButton = h('button', 'atmp-linkbutton atmp-suggest__button');
		suggestButton.type = 'button';
		suggest.append(t.didYouMean + ' ', suggestButton, '?');

		var status = h('p', 'atmp-status');
		status.setAttribute('role', 'status');

		var facets = h('div', 'atmp-facets');
		facets.hidden = true;

		var list = h('div', 'atmp-results');
		list.id = id + '-results';
		list.setAttribute('role', 'listbox');
		list.setAttribute('aria-label', t.listbox);
		list.hidden = true;

		var empty = h('div', 'atmp-noresults');
		empty.hidden = true;

		var more = h('button', 'atmp-button atmp-more', t.more);
		more.type = 'button';
		more.hidden = true;

		root.append(form, hint, alert, suggest, status, facets, list, empty, more);
		this.el = { form: form, input: input, hint: hint, alert: alert, alertText: alertText, retry: retry,
			suggest: suggest, suggestButton: suggestButton, status: status, facets: facets, list: list,
			empty: empty, more: more };

		input.addEventListener('input', function () { self.onInput(); });
		input.addEventListener('keydown', function (e) { self.onKey(e); });
		form.addEventListener('submit', function (e) {
			e.preventDefault();
			self.searchNow();
		});
		suggestButton.addEventListener('click', function () { self.searchFor(suggestButton.textContent); });
		more.addEventListener('click', function () { self.loadMore(); });
		retry.addEventListener('click', function () { self.run({ offset: 0, history: 'none' }); });
	};

	/* ---- input ---- */

	Widget.prototype.onInput = function () {
		var self = this;
		clearTimeout(this.timer);
		this.setActive(-1);
		var q = this.el.input.value.trim();
		if (!q) {
			this.reset();
			this.syncUrl('replace');
			return;
		}
		if (q.length < 2)
			return;
		this.timer = setTimeout(function () {
			self.q = q;
			self.run({ offset: 0, history: 'typing' });
		}, DEBOUNCE_MS);
	};

	Widget.prototype.onKey = function (e) {
		if (e.isComposing)
			return;
		var n = this.el.list.children.length;
		switch (e.key) {
		case 'ArrowDown':
			if (n && !this.el.list.hidden) {
				e.preventDefault();
				this.setActive(Math.min(this.active + 1, n - 1));
			}
			break;
		case 'ArrowUp':
			if (n && !this.el.list.hidden) {
				e.preventDefault();
				this.setActive(this.active - 1);
			}
			break;
		case 'Enter':
			e.preventDefault();
			if (this.active >= 0)
				this.open(this.active);
			else
				this.searchNow();
			break;
		case 'Escape':
			if (this.el.input.value || this.hits.length) {
				e.preventDefault();
				this.el.input.value = '';
				clearTimeout(this.timer);
				this.reset();
				this.syncUrl('push');
			}
			break;
		case 'Home':
		case 'End':
		case 'ArrowLeft':
		case 'ArrowRight':
			this.setActive(-1);
			break;
		}
	};

	/* Search for what the field holds, now (Enter, the button). */
	Widget.prototype.searchNow = function () {
		clearTimeout(this.timer);
		var q = this.el.input.value.trim();
		if (!q) {
			this.reset();
			return;
		}
		this.q = q;
		this.run({ offset: 0, history: 'push' });
	};

	/* Search for a given query (an example, the suggestion) and leave the focus in the field. */
	Widget.prototype.searchFor = function (q) {
		this.el.input.value = q;
		this.el.input.focus();
		this.searchNow();
	};

	Widget.prototype.setActive = function (i) {
		var opts = this.el.list.children;
		if (this.active >= 0 && opts[this.active]) {
			opts[this.active].setAttribute('aria-selected', 'false');
			opts[this.active].classList.remove('is-active');
		}
		this.active = i >= 0 && i < opts.length ? i : -1;
		if (this.active < 0) {
			this.el.input.removeAttribute('aria-activedescendant');
			return;
		}
		var o = opts[this.active];
		o.setAttribute('aria-selected', 'true');
		o.classList.add('is-active');
		this.el.input.setAttribute('aria-activedescendant', o.id);
		o.scrollIntoView({ block: 'nearest' });
	};

	Widget.prototype.open = function (i) {
		var a = this.el.list.children[i];
		if (!a)
			return;
		if (this.target === '_blank')
			window.open(a.href, '_blank', 'noopener');
		else
			location.assign(a.href);
	};

	/* ---- the address bar (page mode) ---- */

	Widget.prototype.urlFor = function () {
		var p = new URLSearchParams();
		var q = this.el.input.value.trim();
		if (q) {
			p.set('q', q);
			this.filters.type.forEach(function (v) { p.append('type', v); });
			this.filters.lang.forEach(function (v) { p.append('lang', v); });
		}
		var s = p.toString();
		return location.pathname + (s ? '?' + s : '');
	};

	/* how: 'typing' (one entry for a run of typing), 'push' (a new entry), 'replace', 'none' */
	Widget.prototype.syncUrl = function (how) {
		if (!this.page || how === 'none')
			return;
		var url = this.urlFor();
		var q = this.el.input.value.trim();
		document.title = q ? q + ' – ' + this.baseTitle : this.baseTitle;
		var same = url === location.pathname + location.search;
		if (how === 'typing') {
			if (!same) {
				if (this.typingEntry)
					history.replaceState(null, '', url);
				else
					history.pushState(null, '', url);
			}
			this.typingEntry = true;
			return;
		}
		if (!same) {
			if (how === 'push')
				history.pushState(null, '', url);
			else
				history.replaceState(null, '', url);
		}
		this.typingEntry = false;
	};

	Widget.prototype.fromUrl = function () {
		var p = new URLSearchParams(location.search);
		var q = (p.get('q') || '').trim();
		this.filters.type = p.getAll('type').filter(function (v) { return TYPES.indexOf(v) >= 0; });
		this.filters.lang = p.getAll('lang').filter(function (v) { return v === 'da' || v === 'en'; });
		this.el.input.value = q;
		this.typingEntry = false;
		document.title = q ? q + ' – ' + this.baseTitle : this.baseTitle;
		clearTimeout(this.timer);
		if (q) {
			this.q = q;
			this.run({ offset: 0, history: 'none' });
		} else {
			this.reset();
		}
	};

	/* ---- requests ---- */

	Widget.prototype.apiUrl = function (offset) {
		var u = new URL('api/search', this.base);
		u.searchParams.set('q', this.q);
		u.searchParams.set('limit', String(this.limit));
		if (offset)
			u.searchParams.set('offset', String(offset));
		this.filters.type.forEach(function (v) { u.searchParams.append('type', v); });
		this.filters.lang.forEach(function (v) { u.searchParams.append('lang', v); });
		return u.href;
	};

	/* Fetches hits for this.q and this.filters; opts.offset > 0 appends to the hits shown. */
	Widget.prototype.run = function (opts) {
		var self = this;
		var append = opts.offset > 0;
		this.syncUrl(opts.history);
		if (utf8Length(this.q) > MAX_QUERY_BYTES) {
			this.abort();
			this.clearResults();
			this.showError(this.t.tooLong, false);
			return;
		}
		this.abort();
		var seq = ++this.seq;
		var ctrl = new AbortController();
		this.ctrl = ctrl;
		var timeout = setTimeout(function () { ctrl.abort(); }, TIMEOUT_MS);
		this.setLoading(true);
		fetch(this.apiUrl(opts.offset), { signal: ctrl.signal, credentials: 'omit', headers: { Accept: 'application/json' } })
			.then(function (res) {
				return res.json().then(function (body) { return { res: res, body: body }; },
					function () { return { res: res, body: null }; });
			})
			.then(function (r) {
				if (seq !== self.seq)
					return; /* a newer request was made: this answer is stale */
				self.setLoading(false);
				if (r.res.ok && r.body && Array.isArray(r.body.hits))
					self.show(r.body, append);
				else
					self.fail(r.res.status, r.body && typeof r.body.error === 'string' ? r.body.error : '');
			}, function (err) {
				if (seq !== self.seq)
					return;
				if (err && err.name === 'AbortError' && ctrl !== self.ctrl)
					return;
				self.unreachable(seq);
			})
			.finally(function () { clearTimeout(timeout); });
	};

	Widget.prototype.abort = function () {
		if (this.ctrl) {
			var c = this.ctrl;
			this.ctrl = null;
			c.abort();
		}
	};

	Widget.prototype.loadMore = function () {
		if (this.hits.length >= this.total)
			return;
		this.moreFocused = document.activeElement === this.el.more;
		this.run({ offset: this.hits.length, history: 'none' });
	};

	Widget.prototype.setLoading = function (on) {
		this.root.classList.toggle('is-loading', on);
		this.el.list.setAttribute('aria-busy', on ? 'true' : 'false');
		if (on)
			this.el.status.textContent = this.t.loading;
	};

	/* A request that never got an answer: the daemon is down, or (across origins) does not let
	 * this page in. A no-cors probe tells them apart: it succeeds whenever the daemon answers. */
	Widget.prototype.unreachable = function (seq) {
		var self = this;
		this.setLoading(false);
		var say = function (msg, canRetry) {
			if (seq === self.seq) {
				self.clearResults();
				self.showError(msg, canRetry);
			}
		};
		if (!this.crossOrigin) {
			say(this.t.unreachable, true);
			return;
		}
		fetch(new URL('healthz', this.base).href, { mode: 'no-cors', cache: 'no-store', credentials: 'omit' })
			.then(function () {
				if (window.console)
					console.warn('atmp-search: ' + self.base.origin + ' does not allow requests from ' + location.origin +
						'; start atmp-searchd with --allow-origin ' + location.origin);
				say(self.t.forbidden, false);
			}, function () { say(self.t.unreachable, true); });
	};

	Widget.prototype.fail = function (status, message) {
		var t = this.t;
		this.clearResults();
		if (status === 400)
			this.showError(t.badRequest + ' ' + (message || status), false);
		else if (status === 503)
			this.showError(t.unavailable, true);
		else
			this.showError(t.serverError + ' (' + status + ').', true);
	};

	Widget.prototype.showError = function (msg, canRetry) {
		this.el.alertText.textContent = msg;
		this.el.retry.hidden = !canRetry;
		this.el.hint.hidden = true;
		this.root.classList.add('has-error');
		this.el.status.textContent = '';
	};

	Widget.prototype.clearError = function () {
		this.el.alertText.textContent = '';
		this.el.retry.hidden = true;
		this.root.classList.remove('has-error');
	};

	/* ---- rendering ---- */

	/* Back to the empty state. */
	Widget.prototype.reset = function () {
		this.abort();
		this.seq++;
		this.q = '';
		this.filters = { type: [], lang: [] };
		this.setLoading(false);
		this.clearResults();
		this.clearError();
		this.el.status.textContent = '';
		this.el.hint.hidden = false;
	};

	Widget.prototype.clearResults = function () {
		this.setActive(-1);
		this.hits = [];
		this.total = 0;
		var e = this.el;
		e.list.replaceChildren();
		e.list.hidden = true;
		e.input.setAttribute('aria-expanded', 'false');
		e.facets.replaceChildren();
		e.facets.hidden = true;
		e.suggest.hidden = true;
		e.empty.replaceChildren();
		e.empty.hidden = true;
		e.more.hidden = true;
	};

	Widget.prototype.show = function (data, append) {
		var e = this.el, t = this.t, self = this;
		this.clearError();
		e.hint.hidden = true;
		if (!append) {
			this.clearResults();
			this.total = typeof data.total === 'number' ? data.total : data.hits.length;
			this.renderSuggestion(data.suggestion);
			this.renderFacets(data.facets || {});
		}
		var first = this.hits.length;
		data.hits.forEach(function (hit) {
			e.list.append(self.renderHit(hit, self.hits.length));
			self.hits.push(hit);
		});
		if (this.total < this.hits.length)
			this.total = this.hits.length;
		var has = this.hits.length > 0;
		e.list.hidden = !has;
		e.input.setAttribute('aria-expanded', has ? 'true' : 'false');
		e.more.hidden = !(has && this.hits.length < this.total && data.hits.length > 0);
		e.status.textContent = has ? t.count(this.hits.length, this.total) : t.none;
		if (!has)
			this.renderNoResults();
		if (!append)
			this.restoreFocus();
		if (append && this.moreFocused) {
			/* the button may be gone: go on from the first new hit, as if reached with the arrows */
			this.moreFocused = false;
			if (e.more.hidden) {
				e.input.focus();
				this.setActive(first);
			}
		}
	};

	Widget.prototype.renderHit = function (hit, i) {
		var t = this.t;
		var a = h('a', 'atmp-hit');
		a.id = this.id + '-opt-' + i;
		a.href = docHref(this.base, hit, this.q);
		a.tabIndex = -1;
		if (this.target)
			a.target = this.target;
		a.setAttribute('role', 'option');
		a.setAttribute('aria-selected', 'false');
		/* the option's name is its whole text, as a reader sees it (title, section, badges, date, snippet) */
		var docLang = hit.lang === 'en' || hit.lang === 'da' ? hit.lang : '';

		var title = h('span', 'atmp-hit__title', hit.title || hit.id);
		if (docLang)
			title.lang = docLang;
		a.append(title);

		if (hit.section_title) {
			var sec = h('span', 'atmp-hit__section', hit.section_title);
			if (docLang)
				sec.lang = docLang;
			a.append(sec);
		}

		var meta = h('span', 'atmp-hit__meta');
		if (hit.type)
			meta.append(h('span', 'atmp-badge atmp-badge--type atmp-badge--' + (TYPES.indexOf(hit.type) >= 0 ? hit.type : 'other'),
				t.types[hit.type] || hit.type));
		if (hit.lang)
			meta.append(h('span', 'atmp-badge atmp-badge--lang', t.langs[hit.lang] || hit.lang));
		if (hit.updated) {
			var time = h('time', 'atmp-hit__date', formatDate(hit.updated, this.lang));
			time.dateTime = hit.updated;
			meta.append(time);
		}
		if (hit.source)
			meta.append(h('span', 'atmp-hit__source', hit.source));
		a.append(meta);

		var snip = h('span', 'atmp-hit__snippet');
		if (docLang)
			snip.lang = docLang;
		appendSnippet(snip, hit.snippet || '');
		a.append(snip);

		if (Array.isArray(hit.why) && hit.why.length)
			a.append(h('span', 'atmp-hit__why', t.why + ': ' + hit.why.map(String).join('; ')));
		return a;
	};

	Widget.prototype.renderSuggestion = function (s) {
		var e = this.el;
		if (typeof s === 'string' && s.trim() && s.trim() !== this.q) {
			e.suggestButton.textContent = s.trim();
			e.suggest.hidden = false;
		} else {
			e.suggest.hidden = true;
		}
	};

	Widget.prototype.renderFacets = function (facets) {
		var self = this, t = this.t, e = this.el;
		var groups = [['type', t.facetType, t.types], ['lang', t.facetLang, t.langs]];
		var any = false;
		groups.forEach(function (g) {
			var key = g[0], counts = facets[key] && typeof facets[key] === 'object' ? facets[key] : {};
			var chosen = self.filters[key];
			var values = Object.keys(counts).filter(function (v) { return counts[v] > 0; });
			chosen.forEach(function (v) { if (values.indexOf(v) < 0) values.push(v); });
			/* one value that nobody chose filters nothing: leave the group out */
			if (values.length === 0 || (values.length === 1 && chosen.length === 0))
				return;
			values.sort(function (a, b) { return (counts[b] || 0) - (counts[a] || 0) || (a < b ? -1 : 1); });
			var group = h('div', 'atmp-facet');
			group.setAttribute('role', 'group');
			var label = h('span', 'atmp-facet__label', g[1]);
			label.id = self.id + '-facet-' + key;
			group.setAttribute('aria-labelledby', label.id);
			var chips = h('div', 'atmp-facet__chips');
			group.append(label, chips);
			values.forEach(function (v) {
				var on = chosen.indexOf(v) >= 0;
				var chip = h('button', 'atmp-chip');
				chip.type = 'button';
				chip.setAttribute('aria-pressed', on ? 'true' : 'false');
				chip.setAttribute('data-facet', key);
				chip.setAttribute('data-value', v);
				chip.append(h('span', 'atmp-chip__name', g[2][v] || v));
				if (counts[v] != null)
					chip.append(' ', h('span', 'atmp-chip__count', String(counts[v])));
				chip.addEventListener('click', function () { self.toggleFilter(key, v); });
				chips.append(chip);
			});
			e.facets.append(group);
			any = true;
		});
		if (this.filters.type.length || this.filters.lang.length) {
			var clear = h('button', 'atmp-linkbutton atmp-facets__clear', t.clearFilters);
			clear.type = 'button';
			clear.addEventListener('click', function () {
				self.filters = { type: [], lang: [] };
				self.refilter();
			});
			e.facets.append(clear);
			any = true;
		}
		e.facets.hidden = !any;
	};

	Widget.prototype.toggleFilter = function (key, value) {
		var list = this.filters[key];
		var at = list.indexOf(value);
		if (at >= 0)
			list.splice(at, 1);
		else
			list.push(value);
		this.refilter(key, value);
	};

	/* Runs the query again with the new filters; a chip that had the focus gets it back once the
	 * chips are drawn anew. */
	Widget.prototype.refilter = function (key, value) {
		clearTimeout(this.timer);
		var f = document.activeElement;
		this.refocus = f && this.el.facets.contains(f) ? { key: key, value: value } : null;
		this.q = this.el.input.value.trim() || this.q;
		this.run({ offset: 0, history: 'push' });
	};

	Widget.prototype.restoreFocus = function () {
		var want = this.refocus;
		this.refocus = null;
		if (!want)
			return;
		var chips = this.el.facets.querySelectorAll('.atmp-chip');
		for (var i = 0; i < chips.length; i++)
			if (chips[i].getAttribute('data-facet') === want.key && chips[i].getAttribute('data-value') === want.value) {
				chips[i].focus();
				return;
			}
		this.el.input.focus();
	};

	Widget.prototype.renderNoResults = function () {
		var t = this.t, e = this.el;
		var p = h('p', 'atmp-noresults__title');
		p.append(t.noneFor + ' ', h('q', null, this.q), '.');
		var ul = h('ul', 'atmp-noresults__tips');
		var tips = t.tips.slice();
		if (this.filters.type.length || this.filters.lang.length)
			tips.unshift(t.tipFilters);
		tips.forEach(function (tip) { ul.append(h('li', null, tip)); });
		e.empty.append(p, ul);
		e.empty.hidden = false;
	};

	/* ---- start ---- */

	function ensureStylesheet() {
		var href = new URL('widget.css', scriptUrl).href;
		var links = document.querySelectorAll('link[rel~="stylesheet"]');
		for (var i = 0; i < links.length; i++)
			if (links[i].href === href)
				return;
		var link = document.createElement('link');
		link.rel = 'stylesheet';
		link.href = href;
		document.head.append(link);
	}

	function mount(el) {
		if (!el || el.atmpSearch)
			return el && el.atmpSearch;
		el.atmpSearch = new Widget(el);
		return el.atmpSearch;
	}

	function start() {
		var els = document.querySelectorAll('[data-atmp-search]');
		if (els.length)
			ensureStylesheet();
		for (var i = 0; i < els.length; i++)
			mount(els[i]);
	}

	window.ATMPSearch = { mount: function (el) { ensureStylesheet(); return mount(el); }, formatDate: formatDate, text: TEXT };

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
