/*
 * atmp-kb document view (GET /doc/ID): fetches /api/doc/ID and shows the document with a table of
 * contents, its source and date; the words of the search it came from (?q=...) are highlighted.
 *
 * The body arrives as HTML rendered from the curated Markdown. It is parsed into an inert document
 * (DOMParser: no scripts run, nothing loads) and copied element by element through an allow-list
 * of tags and attributes, so nothing active reaches the page even if the corpus held it.
 * The page's own ids are camelCase; heading anchors from the corpus are lower-case slugs, so the
 * two never collide.
 */
(function () {
	'use strict';

	var TYPES = { guidance: 'Vejledning', 'best-practice': 'God praksis', faq: 'Spørgsmål og svar', news: 'Nyhed',
		minutes: 'Referat', analysis: 'Analyse' };
	var LANGS = { da: 'Dansk', en: 'Engelsk' };

	var $ = function (id) { return document.getElementById(id); };

	function h(tag, cls, text) {
		var el = document.createElement(tag);
		if (cls)
			el.className = cls;
		if (text != null)
			el.textContent = text;
		return el;
	}

	function formatDate(iso) {
		var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
		if (!m)
			return iso || '';
		return new Intl.DateTimeFormat('da-DK', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
			.format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
	}

	function safeUrl(href, schemes) {
		try {
			var u = new URL(href, location.href);
			return schemes.indexOf(u.protocol) >= 0 ? u : null;
		} catch (e) {
			return null;
		}
	}

	/* ---- the allow-list copy of the body ---- */

	var KEEP = ('p br hr h1 h2 h3 h4 h5 h6 ul ol li blockquote pre code em strong b i del s sup sub a img ' +
		'table thead tbody tfoot tr th td caption dl dt dd span div kbd abbr small').split(' ');
	var DROP = ('script style iframe frame frameset object embed template noscript svg math form input button ' +
		'textarea select option link meta base title audio video source track canvas dialog').split(' ');

	function copyAttrs(from, to, tag) {
		if (/^h[1-6]$/.test(tag) && /^[\p{L}\p{N}_-]+$/u.test(from.id))
			to.id = from.id;
		if (from.hasAttribute('title'))
			to.title = from.getAttribute('title');
		if (tag === 'a' && from.hasAttribute('href')) {
			var raw = from.getAttribute('href');
			if (raw.charAt(0) === '#')
				to.setAttribute('href', raw);
			else {
				var u = safeUrl(raw, ['http:', 'https:', 'mailto:']);
				if (u)
					to.href = u.href;
				if (u && u.origin !== location.origin && u.protocol !== 'mailto:')
					to.rel = 'noopener noreferrer';
			}
		}
		if (tag === 'img') {
			var src = safeUrl(from.getAttribute('src') || '', ['http:', 'https:', 'data:']);
			if (src && (src.origin === location.origin || /^data:image\/(png|gif|jpeg|webp);/.test(src.href)))
				to.src = src.href;
			to.alt = from.getAttribute('alt') || '';
		}
		if (tag === 'ol' && /^\d{1,6}$/.test(from.getAttribute('start') || ''))
			to.setAttribute('start', from.getAttribute('start'));
		if (tag === 'th' || tag === 'td') {
			['colspan', 'rowspan'].forEach(function (k) {
				if (/^\d{1,3}$/.test(from.getAttribute(k) || ''))
					to.setAttribute(k, from.getAttribute(k));
			});
			var align = from.getAttribute('align');
			if (align === 'left' || align === 'right' || align === 'center')
				to.className = 'align-' + align;
		}
		if (tag === 'code' && /^language-[\w+-]{1,30}$/.test(from.className))
			to.className = from.className;
	}

	function copyChildren(from, to) {
		for (var n = from.firstChild; n; n = n.nextSibling) {
			if (n.nodeType === Node.TEXT_NODE) {
				to.append(document.createTextNode(n.data));
			} else if (n.nodeType === Node.ELEMENT_NODE) {
				var tag = n.localName;
				if (DROP.indexOf(tag) >= 0)
					continue;
				if (KEEP.indexOf(tag) < 0) {
					copyChildren(n, to); /* an unknown element: keep its text */
					continue;
				}
				var el = document.createElement(tag);
				copyAttrs(n, el, tag);
				copyChildren(n, el);
				to.append(el);
			}
		}
	}

	function safeFragment(html) {
		var parsed = new DOMParser().parseFromString(String(html), 'text/html');
		var frag = document.createDocumentFragment();
		copyChildren(parsed.body, frag);
		/* wide tables scroll on their own instead of widening the page */
		frag.querySelectorAll('table').forEach(function (t) {
			var wrap = h('div', 'doc__table');
			t.replaceWith(wrap);
			wrap.append(t);
		});
		return frag;
	}

	/* ---- highlighting the searched words ---- */

	var STOP = ('og i på af at til for med er en et den det de som om fra har kan ikke eller the of and to a an ' +
		'in on for is are with by or be as at from').split(' ');
	var SUFFIXES = ['erne', 'ende', 'ene', 'ers', 'ing', 'er', 'en', 'et', 'es', 'ed', 'e', 's'];

	/* The words the reader searched for: not operators, filters or words they left out. */
	function queryWords(q) {
		var out = [];
		var add = function (text) {
			text.split(/[^\p{L}\p{N}]+/u).forEach(function (w) {
				w = w.toLowerCase();
				if (w.length >= 2 && STOP.indexOf(w) < 0 && out.indexOf(w) < 0)
					out.push(w);
			});
		};
		var re = /"([^"]*)"?|(\S+)/g, m;
		while ((m = re.exec(q)) !== null) {
			if (m[1] != null) {
				add(m[1]);
				continue;
			}
			var tok = m[2];
			if (tok.charAt(0) === '-' || /^(type|lang|tag|source):/i.test(tok) || /^(OR|AND|NOT|NEAR)$/.test(tok))
				continue;
			add(tok);
		}
		return out.slice(0, 20);
	}

	/* A rough stem, so that a word matches its inflected forms (forsøg, forsøget; trial, trials). */
	function stem(w) {
		for (var i = 0; i < SUFFIXES.length; i++) {
			var s = SUFFIXES[i];
			if (w.length - s.length >= 4 && w.slice(-s.length) === s)
				return w.slice(0, -s.length);
		}
		return w;
	}

	function highlight(root, words) {
		if (!words.length)
			return 0;
		var alts = words.map(function (w) { return stem(w).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); });
		var re = new RegExp('(?<![\\p{L}\\p{N}])(?:' + alts.join('|') + ')[\\p{L}\\p{N}]*', 'giu');
		var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
		var nodes = [], n, count = 0;
		while ((n = walker.nextNode()))
			nodes.push(n);
		nodes.forEach(function (node) {
			var text = node.data, last = 0, m, frag = null;
			re.lastIndex = 0;
			while ((m = re.exec(text)) !== null) {
				frag = frag || document.createDocumentFragment();
				frag.append(text.slice(last, m.index), h('mark', 'doc-hl', m[0]));
				last = m.index + m[0].length;
				count++;
			}
			if (frag) {
				frag.append(text.slice(last));
				node.replaceWith(frag);
			}
		});
		return count;
	}

	function unhighlight(root) {
		root.querySelectorAll('mark.doc-hl').forEach(function (m) { m.replaceWith(m.textContent); });
		root.normalize();
	}

	/* ---- the page ---- */

	function toc(sections) {
		var list = $('docTocList');
		var stack = [{ level: 0, list: list }];
		sections.forEach(function (s) {
			if (!s || !s.anchor || !s.title)
				return;
			var level = s.level >= 1 && s.level <= 6 ? s.level : 2;
			while (stack.length > 1 && stack[stack.length - 1].level >= level)
				stack.pop();
			var top = stack[stack.length - 1];
			var li = h('li');
			var a = h('a', null, s.title);
			a.href = '#' + encodeURIComponent(s.anchor);
			li.append(a);
			top.list.append(li);
			var sub = h('ol');
			li.append(sub);
			stack.push({ level: level, list: sub });
		});
		list.querySelectorAll('ol:empty').forEach(function (ol) { ol.remove(); });
		$('docToc').hidden = !list.children.length;
	}

	function goToHash() {
		var id = '';
		try {
			id = decodeURIComponent(location.hash.slice(1));
		} catch (e) {
			return;
		}
		var target = id && $('docBody').querySelector('[id="' + CSS.escape(id) + '"]');
		if (!target)
			return;
		document.querySelectorAll('.is-target').forEach(function (el) { el.classList.remove('is-target'); });
		target.classList.add('is-target');
		target.tabIndex = -1;
		target.scrollIntoView();
		target.focus({ preventScroll: true });
	}

	function show(doc, q) {
		var lang = doc.lang === 'en' || doc.lang === 'da' ? doc.lang : '';
		document.title = (doc.title || doc.id) + ' – ATMP Danmark';
		if (lang)
			$('docArticle').lang = lang;
		$('docTitle').textContent = doc.title || doc.id;

		var meta = $('docMeta');
		if (doc.type)
			meta.append(h('span', 'badge badge--' + (TYPES[doc.type] ? doc.type : 'other'), TYPES[doc.type] || doc.type));
		if (doc.lang) {
			var l = h('span', 'badge badge--lang', LANGS[doc.lang] || doc.lang);
			l.lang = 'da';
			meta.append(l);
		}
		if (doc.updated) {
			var up = h('span', 'doc__updated', 'Opdateret ');
			up.lang = 'da';
			var time = h('time', null, formatDate(doc.updated));
			time.dateTime = doc.updated;
			up.append(time);
			meta.append(up);
		}
		if (doc.source)
			meta.append(h('span', 'doc__source', doc.source));

		if (doc.summary) {
			$('docSummary').textContent = doc.summary;
			$('docSummary').hidden = false;
		}

		$('docBody').append(safeFragment(doc.html || ''));
		toc(Array.isArray(doc.sections) ? doc.sections : []);

		var src = doc.url && safeUrl(doc.url, ['http:', 'https:']);
		if (src) {
			var p = $('docSource');
			p.lang = 'da';
			p.append('Original: ');
			var a = h('a', null, src.host + (src.pathname.length > 1 ? src.pathname : ''));
			a.href = src.href;
			a.rel = 'noopener noreferrer';
			p.append(a);
			if (doc.source)
				p.append(' (' + doc.source + ')');
			p.hidden = false;
		}
		if (Array.isArray(doc.tags) && doc.tags.length) {
			doc.tags.forEach(function (t) { $('docTags').append(h('li', 'tag', String(t))); });
			$('docTags').hidden = false;
		}

		var words = q ? queryWords(q) : [];
		var n = highlight($('docBody'), words) + highlight($('docTitle'), words);
		if (n) {
			var hl = $('docHl');
			hl.append((n === 1 ? 'Dit søgeord er markeret ét sted' : 'Dine søgeord er markeret ' + n + ' steder') + ' i teksten. ');
			var off = h('button', 'linkbutton', 'Fjern markeringen');
			off.type = 'button';
			off.addEventListener('click', function () {
				unhighlight($('docArticle'));
				hl.hidden = true;
				$('docTitle').focus();
			});
			hl.append(off);
			hl.hidden = false;
		}

		$('docStatus').textContent = '';
		$('docStatus').hidden = true;
		$('docView').hidden = false;
		$('docTitle').tabIndex = -1;
		if (location.hash)
			goToHash();
	}

	function failed(msg) {
		var st = $('docStatus');
		st.textContent = msg;
		st.classList.add('doc__status--error');
		st.setAttribute('role', 'alert');
		document.title = 'Dokumentet kunne ikke vises – ATMP Danmark';
	}

	function start() {
		var params = new URLSearchParams(location.search);
		var q = (params.get('q') || '').trim();
		if (q) {
			$('docBack').href = '/?q=' + encodeURIComponent(q);
			$('docBack').textContent = '← Tilbage til søgeresultaterne';
			$('siteQ').value = q;
		}
		var id = location.pathname.replace(/^\/doc\//, '');
		if (!id) {
			failed('Der er ikke angivet noget dokument.');
			return;
		}
		fetch('/api/doc/' + id, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
			.then(function (res) {
				return res.json().then(function (body) { return { res: res, body: body }; },
					function () { return { res: res, body: null }; });
			})
			.then(function (r) {
				if (r.res.ok && r.body && typeof r.body === 'object')
					show(r.body, q);
				else if (r.res.status === 404)
					failed('Dokumentet findes ikke. Det kan være flyttet eller fjernet – prøv at søge efter det.');
				else
					failed('Dokumentet kunne ikke hentes (fejl ' + r.res.status + '). Prøv igen om lidt.');
			}, function () {
				failed('Vidensbasen kan ikke nås lige nu. Tjek forbindelsen, og prøv igen om lidt.');
			});
		window.addEventListener('hashchange', goToHash);
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
