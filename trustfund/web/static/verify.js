/* Verify the public ledger in the resident's browser (issue 16, item 4).
 *
 * One button on /e/{slug}/verify: download the estate's public ledger file, recompute its
 * hash chain exactly as trustfund/ledger/chain.py (verify_text) does, and compare the hash
 * of the entry each disclosure recorded as its ledger head with the hash printed for it.
 * The answer is green or red, in Chinese, naming the first bad entry.
 *
 * The chain: hash = sha256(prev + canonical text), UTF-8, where the canonical text is the
 * entry block without its second line (the `  hash: "…"` line) and prev the previous entry's
 * hash (64 zeros before the first). SHA-256 comes from Web Crypto when the page is a secure
 * context (https, or http://127.0.0.1); on a plain-http LAN address crypto.subtle does not
 * exist, so a small SHA-256 written here (FIPS 180-4) is used instead.
 *
 * A script file (the Content-Security-Policy allows no inline script); nothing from a CDN.
 */
(function () {
  "use strict";

  var GENESIS = "0000000000000000000000000000000000000000000000000000000000000000";
  var LINK_PREFIX = "tf-";
  var TXN_HEAD = /^\d{4}-\d{2}-\d{2} (?:[*!] |open )/;
  var TRANSACTION = /^\d{4}-\d{2}-\d{2} [*!] /;
  var TITLE_LINE = /^option "title" ("(?:[^"\\]|\\.)*")$/;
  var SEQ_LINE = /^  seq: "(\d+)"$/;
  var PREV_LINE = /^  prev: "([0-9a-f]{64})"$/;
  var HASH_LINE = /^  hash: "([0-9a-f]{64})"$/;
  var LINK = /\^tf-(\d+)\n/;

  // --- SHA-256 ------------------------------------------------------------------------

  function utf8(text) {
    if (typeof TextEncoder !== "undefined") return new TextEncoder().encode(text);
    var binary = unescape(encodeURIComponent(text));
    var out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }

  function hex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  /** SHA-256 of bytes (a Uint8Array), as 64 hex digits; pure JavaScript. */
  function sha256Bytes(data) {
    var length = data.length;
    var blocks = ((length + 9 + 63) >> 6) << 6;
    var padded = new Uint8Array(blocks);
    padded.set(data);
    padded[length] = 0x80;
    var bits = length * 8;
    var view = new DataView(padded.buffer);
    view.setUint32(blocks - 8, Math.floor(bits / 0x100000000));
    view.setUint32(blocks - 4, bits >>> 0);
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    for (var offset = 0; offset < blocks; offset += 64) {
      for (var t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4);
      for (t = 16; t < 64; t++) {
        var x = w[t - 15], y = w[t - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (t = 0; t < 64; t++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var t1 = (k + S1 + ch + K[t] + w[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    var out = new Uint8Array(32);
    var outView = new DataView(out.buffer);
    for (var i = 0; i < 8; i++) outView.setUint32(i * 4, h[i] >>> 0);
    return hex(out);
  }

  function webCrypto() {
    var c = window.crypto;
    return window.isSecureContext && c && c.subtle && typeof c.subtle.digest === "function"
      ? c.subtle
      : null;
  }

  /** SHA-256 hex digests of many texts: Web Crypto when it exists, else the function above. */
  function digestAll(texts, forcePure) {
    var subtle = forcePure ? null : webCrypto();
    if (!subtle) {
      return Promise.resolve({ engine: "js", hashes: texts.map(function (t) { return sha256Bytes(utf8(t)); }) });
    }
    return Promise.all(
      texts.map(function (t) {
        return subtle.digest("SHA-256", utf8(t)).then(function (buf) { return hex(new Uint8Array(buf)); });
      })
    ).then(function (hashes) { return { engine: "webcrypto", hashes: hashes }; });
  }

  // --- the file, as chain.split_file and text.without_hash read it ----------------------

  function splitFile(text) {
    var header = [], blocks = [], current = null, start = 0;
    var lines = text.split("\n");
    if (lines.length && lines[lines.length - 1] === "") lines.pop();
    function close() { if (current !== null) blocks.push({ line: start, text: current.join("") }); }
    for (var i = 0; i < lines.length; i++) {
      var number = i + 1, line = lines[i];
      if (TXN_HEAD.test(line)) {
        close();
        current = [line + "\n"]; start = number;
      } else if (current !== null && line.slice(0, 2) === "  ") {
        current.push(line + "\n");
      } else if (line === "" && (current !== null || blocks.length)) {
        close();
        current = null;
      } else if (current === null && !blocks.length) {
        header.push(line);
      } else {
        close();
        current = null;
        blocks.push({ line: number, text: line + "\n" });
      }
    }
    close();
    return { header: header, blocks: blocks };
  }

  function withoutHash(block) {
    var first = block.indexOf("\n");
    var head = first < 0 ? block : block.slice(0, first);
    var rest = first < 0 ? "" : block.slice(first + 1);
    var second = rest.indexOf("\n");
    var secondLine = second < 0 ? rest : rest.slice(0, second);
    var tail = second < 0 ? "" : rest.slice(second + 1);
    var m = HASH_LINE.exec(secondLine);
    if (!m) return { canonical: block, hash: null };
    return { canonical: head + "\n" + tail, hash: m[1] };
  }

  function firstLineMatch(block, pattern) {
    var lines = block.split("\n");
    for (var i = 0; i < lines.length; i++) {
      var m = pattern.exec(lines[i]);
      if (m) return m;
    }
    return null;
  }

  var ESCAPES = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\f": "\\f" };
  var UNESCAPES = { "\\\\": "\\", '\\"': '"', "\\n": "\n", "\\t": "\t", "\\r": "\r", "\\f": "\f" };

  function unquote(literal) {
    return literal.slice(1, -1).replace(/\\[\s\S]/g, function (m) {
      return Object.prototype.hasOwnProperty.call(UNESCAPES, m) ? UNESCAPES[m] : m.charAt(1);
    });
  }

  function quote(value) {
    if (/[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(value)) return null;
    return '"' + value.replace(/[\\"\n\t\r\f]/g, function (c) { return ESCAPES[c]; }) + '"';
  }

  function expectedHeader(title) {
    var quoted = quote(title);
    if (quoted === null) return null;
    return (
      "; trustfund ledger: generated from the database, do not edit.\n" +
      "; Check it: bean-check FILE; verify its hash chain: trustfund ledger verify FILE\n" +
      'option "title" ' + quoted + "\n" +
      'option "operating_currency" "CNY"\n'
    );
  }

  // --- the check itself (chain.verify_text) ---------------------------------------------

  /** {ok, entries, hashes (by seq - 1), title, firstBadSeq, problem (Chinese), engine} */
  function verifyText(text, forcePure) {
    var parts = splitFile(text);
    var headText = parts.header.map(function (l) { return l + "\n"; }).join("").replace(/\n+$/, "") + "\n";
    var titleMatch = null;
    for (var i = 0; i < parts.header.length && !titleMatch; i++) titleMatch = TITLE_LINE.exec(parts.header[i]);
    var expected = titleMatch ? expectedHeader(unquote(titleMatch[1])) : null;
    var result = { ok: false, entries: 0, hashes: [], title: null, firstBadSeq: null, problem: null, engine: null };
    if (!parts.blocks.length) {
      result.problem = "账本里没有任何一笔账目";
      result.firstBadSeq = 1;
      return Promise.resolve(result);
    }
    if (expected !== headText) {
      result.problem = "账本文件开头的固定说明被改动过（不是系统导出的原样文件）";
      return Promise.resolve(result);
    }
    result.title = unquote(titleMatch[1]);
    var splits = parts.blocks.map(function (b) { return withoutHash(b.text); });
    // the hash input of each entry: the previous entry's stated hash + its canonical text
    var inputs = splits.map(function (s, n) { return (n ? splits[n - 1].hash || "" : GENESIS) + s.canonical; });
    return digestAll(inputs, forcePure).then(function (digest) {
      result.engine = digest.engine;
      var prev = GENESIS;
      for (var n = 0; n < parts.blocks.length; n++) {
        var expectedSeq = n + 1;
        var block = parts.blocks[n].text;
        var split = splits[n];
        var seqMatch = firstLineMatch(block, SEQ_LINE);
        var seq = seqMatch ? parseInt(seqMatch[1], 10) : null;
        result.firstBadSeq = seq !== null ? seq : expectedSeq;
        if (!TXN_HEAD.test(block)) {
          result.problem = "第 " + parts.blocks[n].line + " 行不是一笔账目（多出了内容）";
          return result;
        }
        if (split.hash === null) {
          result.problem = "第 " + expectedSeq + " 笔缺少哈希";
          return result;
        }
        if (seq !== expectedSeq) {
          result.firstBadSeq = expectedSeq;
          result.problem = "第 " + expectedSeq + " 笔的序号不对（账目被删除、插入或调换过）";
          return result;
        }
        var firstLine = block.split("\n", 1)[0] + "\n";
        var link = LINK.exec(firstLine);
        if (TRANSACTION.test(block) && (!link || parseInt(link[1], 10) !== seq)) {
          result.problem = "第 " + seq + " 笔的编号标记 ^" + LINK_PREFIX + seq + " 不对";
          return result;
        }
        var prevMatch = firstLineMatch(block, PREV_LINE);
        if (!prevMatch || prevMatch[1] !== prev) {
          result.problem = "第 " + seq + " 笔记录的“上一笔哈希”与第 " + (seq - 1) + " 笔不符（账目被删除、插入或调换过）";
          return result;
        }
        if (digest.hashes[n] !== split.hash) {
          result.problem = "第 " + seq + " 笔的内容与它的哈希不符：这一笔被改动过";
          return result;
        }
        prev = split.hash;
        result.hashes.push(split.hash);
        result.entries = seq;
      }
      result.firstBadSeq = null;
      result.ok = true;
      return result;
    });
  }

  /** Compare each publication's recorded head (seq, hash) with the recomputed chain. */
  function compareHeads(result, heads) {
    var bad = [];
    heads.forEach(function (h) {
      var seq = parseInt(h.seq, 10);
      if (!seq) return;
      if (seq > result.hashes.length) bad.push(h.title + "：账本只有 " + result.hashes.length + " 笔，少于公示时的 " + seq + " 笔");
      else if (result.hashes[seq - 1] !== h.hash) bad.push(h.title + "：第 " + seq + " 笔的哈希与公示时记录的不同");
    });
    return bad;
  }

  // --- the page ------------------------------------------------------------------------

  function show(box, ok, title, lines) {
    box.className = "verify-result " + (ok ? "good" : "bad");
    box.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = title;
    box.appendChild(strong);
    lines.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
    box.hidden = false;
    if (box.focus) box.focus();
  }

  function start() {
    var button = document.getElementById("verify-button");
    if (!button) return;
    var box = document.getElementById("verify-result");
    var url = button.getAttribute("data-ledger");
    var forcePure = button.getAttribute("data-engine") === "js" || /[?&]sha=js\b/.test(location.search);
    var heads = Array.prototype.map.call(document.querySelectorAll("[data-head-hash]"), function (el) {
      return { seq: el.getAttribute("data-head-seq"), hash: el.getAttribute("data-head-hash"), title: el.getAttribute("data-head-title") };
    });
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      var label = button.textContent;
      button.textContent = "正在下载并逐笔核对……";
      box.hidden = true;
      fetch(url, { cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error("download " + response.status);
          return response.text();
        })
        .then(function (text) { return verifyText(text, forcePure); })
        .then(function (result) {
          box.setAttribute("data-engine", result.engine || "");
          if (!result.ok) {
            show(box, false, "✗ 账本核对不通过", [
              result.problem,
              "请截图保存本页，并告知业委会和社区。"
            ]);
            return;
          }
          var bad = compareHeads(result, heads);
          if (bad.length) {
            show(box, false, "✗ 账本与公示不符", bad.concat(["账本自身的哈希链完整，但与公示时记录的账本头不同：公示之后账目被改写过。请截图保存本页，并告知业委会和社区。"]));
            return;
          }
          show(box, true, "✓ 账本完整，与公示一致", [
            "共 " + result.entries + " 笔账目，每一笔的哈希都已重新计算，全部相符。",
            heads.length ? "各期公示时记录的账本头（" + heads.length + " 期）都与账本一致。" : "本小区还没有发布公示。"
          ]);
        })
        .catch(function () {
          show(box, false, "✗ 无法完成核对", ["账本文件下载失败，请检查网络后再试一次。"]);
        })
        .then(function () {
          button.disabled = false;
          button.textContent = label;
        });
    });
  }

  window.trustfundVerify = { verifyText: verifyText, sha256: function (t) { return sha256Bytes(utf8(t)); } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
