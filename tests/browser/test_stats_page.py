#!/usr/bin/env python3
"""tests/browser/test_stats_page.py: web/wincache.php in Debian's chromium (headless), against the
main job (scripts/serve.sh: nginx + php-fpm) with data in every cache.

    test_stats_page.py WINCACHE_SO OUT_DIR

Starts scripts/serve.sh on a free port with a password (STATS_PASSWORD), fills the caches through
demo/api.php (100,000 user-cache entries, a key `<script>alert(1)</script>`, sessions, included
files and resolved paths, a named lock held while another process waits for it), then checks:

  access    no credentials -> 401 without data; a wrong password -> 401; the right one -> 200
  numbers   in chromium's DOM of every section: each number the page shows (data-k) equals the
            value at that place in the page's own data-stats JSON (the info functions' answers in
            the same request), and its text is that value formatted
  escaping  the key <script>alert(1)</script> is text in the DOM, the page has no <script> element
            at all, and the response forbids scripts (Content-Security-Policy)
  actions   a POST without the token, with a wrong token, or from another origin is refused (403)
            and changes nothing; with the token: a confirmation page first (nothing changed), then
            the action and a 303 redirect whose page shows the result (PRG)
  paging    100,000 entries: pages 1, 2 and the last have the right rows; the filter and sorting
            work through the extension's listing; the render time is printed, not asserted
  screens   every section at 1280 and 390 pixels wide: OUT_DIR/screenshots/<view>-<width>.png

Exit status 0 when every check passed. Every wait is bounded.
"""
import base64
import html.parser
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []
passes = 0


def check(cond, what):
    global passes
    if cond:
        passes += 1
        print(f"PASS {what}")
    else:
        failures.append(what)
        print(f"FAIL {what}")
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Http:
    def __init__(self, port):
        self.port = port

    def req(self, method, path, body=None, headers=None, auth=None, timeout=120):
        h = dict(headers or {})
        if auth:
            h["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        if body is not None:
            body = urllib.parse.urlencode(body)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        t = time.monotonic()
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        ms = (time.monotonic() - t) * 1000
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data, ms

    def api(self, query):
        st, _, body, _ = self.req("GET", "/api.php?" + query)
        out = dict(l.split("=", 1) for l in body.splitlines() if "=" in l)
        return st, out


# ---- DOM: chromium --dump-dom, parsed with html.parser ----------------------------------------------
class Dom(html.parser.HTMLParser):
    """The elements we look at: data-k numbers (with their text), <main data-stats>, script
    elements, <code> texts, the confirmation and flash paragraphs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.nums = []      # [attrs, text]
        self.stats = None
        self.scripts = 0
        self.codes = []
        self.text = []
        self._num = None
        self._code = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "main" and "data-stats" in a:
            self.stats = json.loads(a["data-stats"])
        if "data-k" in a and self._num is None:
            self._num = [a, ""]
            self._num_depth = 0
        elif self._num is not None:
            self._num_depth += 1
        if tag == "code":
            self._code = ""

    def handle_endtag(self, tag):
        if self._num is not None:
            if self._num_depth == 0:
                self.nums.append(self._num)
                self._num = None
            else:
                self._num_depth -= 1
        if tag == "code" and self._code is not None:
            self.codes.append(self._code)
            self._code = None

    def handle_data(self, data):
        if self._num is not None:
            self._num[1] += data
        if self._code is not None:
            self._code += data
        self.text.append(data)


def chromium():
    for c in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(c)
        if p:
            return p
    return None


def chrome_args(profile):
    return [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--disable-extensions", "--mute-audio", f"--user-data-dir={profile}"]


def dump_dom(url, profile):
    r = subprocess.run(chrome_args(profile) + ["--dump-dom", url], capture_output=True, timeout=120)
    d = Dom()
    d.feed(r.stdout.decode("utf-8", "replace"))
    return d, r.stdout.decode("utf-8", "replace")


def screenshot(url, path, width, height, profile):
    subprocess.run(chrome_args(profile) + [f"--window-size={width},{height}", f"--screenshot={path}", url],
                   capture_output=True, timeout=120)
    return os.path.exists(path) and os.path.getsize(path) > 1000


# ---- the page's formatting, to compare text with values -------------------------------------------------
def fmt_int(v):
    return f"{round(float(v)):,}"


def fmt_bytes(v):
    n = float(v)
    for u in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or u == "TB":
            return f"{round(n):,} B" if u == "B" else f"{n:.1f} {u}"
        n /= 1024


def fmt_dur(v):
    s = int(v)
    d, hh, m, sec = s // 86400, s % 86400 // 3600, s % 3600 // 60, s % 60
    if d:
        return f"{d}d {hh}h {m}m"
    if hh:
        return f"{hh}h {m}m {sec}s"
    if m:
        return f"{m}m {sec}s"
    return f"{sec}s"


def at(data, path):
    for part in path.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return KeyError
    return data


def check_numbers(view, dom):
    """Every data-k number equals the JSON of the same request, and reads as that value."""
    if not check(dom.stats is not None, f"{view}: the page embeds its numbers (data-stats)"):
        return
    bad = []
    for a, text in dom.nums:
        k, f, v = a["data-k"], a.get("data-f", "int"), a.get("data-v", "")
        want = at(dom.stats, k)
        if f == "count":  # a count of a list
            if want is KeyError or str(len(want)) != v or text.strip() != v:
                bad.append(f"{k}: {v!r} / {text!r} against {want!r}")
            continue
        if want is KeyError or want is None:
            if v != "" or text.strip() != "n/a":
                bad.append(f"{k}: shown {text!r}, not in the JSON")
            continue
        if str(want) != v:
            bad.append(f"{k}: data-v {v!r} != JSON {want!r}")
            continue
        exp = fmt_bytes(want) if f == "bytes" else fmt_dur(want) if f == "dur" else fmt_int(want)
        if text.strip() != exp:
            bad.append(f"{k}: text {text.strip()!r} != {exp!r}")
    check(not bad and len(dom.nums) > 0,
          f"{view}: {len(dom.nums)} numbers on the page equal the same request's info values"
          + (": " + "; ".join(bad[:5]) if bad else ""))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    so, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if not chromium():
        print("SKIP: no chromium (apt-get install chromium)")
        return 77
    shots = os.path.join(out, "screenshots")
    os.makedirs(shots, exist_ok=True)
    profile = os.path.join(out, "chromium-profile")
    shutil.rmtree(profile, ignore_errors=True)
    port = free_port()
    pw = "".join(random.choice(string.ascii_letters) for _ in range(16))
    env = dict(os.environ, WINCACHE_SO=so, PORT=str(port), BUILD_DIR=os.path.join(out, "serve-build"),
               UCACHESIZE="64", STATS_PASSWORD=pw, WORKERS="4")
    env.pop("WINCACHE_PAGE_PASSWORD_HASH", None)
    log = open(os.path.join(out, "serve.log"), "w")
    srv = subprocess.Popen([os.path.join(ROOT, "scripts", "serve.sh")], env=env, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    bg = []
    try:
        web = Http(port)
        for _ in range(600):  # up to 60 s
            if srv.poll() is not None:
                break
            try:
                if web.api("op=pid")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        if not check(srv.poll() is None and web.api("op=pid")[0] == 200, f"serve.sh answers on port {port}"):
            print(open(os.path.join(out, "serve.log")).read()[-3000:])
            return 1
        auth = ("wincache", pw)

        # ---- data in every cache ----------------------------------------------------------------
        t = time.monotonic()
        st, r = web.api("op=fill&p=bulk:&n=100000&size=24")
        print(f"info: 100,000 entries stored in {time.monotonic() - t:.1f} s")
        check(r.get("stored") == "100000", "100,000 user-cache entries stored")
        xss = "<script>alert(1)</script>"
        check(web.api("op=set&k=" + urllib.parse.quote(xss) + "&v=boom")[1].get("ok") == "1",
              "the key <script>alert(1)</script> stored")
        web.api("op=set&k=victim&v=1")
        web.api("op=set&k=keep&v=1")
        check(web.api("op=includes")[1].get("included") == "6", "demo/inc/*.php included (file and resolve-path caches)")
        for i in range(3):
            web.api(f"op=sess_append&sid=browsertest{i}&item=x")
        # ---- access ---------------------------------------------------------------------------------
        st, hd, body, _ = web.req("GET", "/wincache.php")
        check(st == 401 and "basic" in hd.get("www-authenticate", "").lower() and "data-stats" not in body
              and "bulk:" not in body, "no credentials: 401 with WWW-Authenticate, no data")
        st, _, body, _ = web.req("GET", "/wincache.php?view=user", auth=("wincache", pw + "x"))
        check(st == 401 and "data-stats" not in body and "bulk:" not in body, "a wrong password: 401, no data")
        st, _, body, _ = web.req("GET", "/wincache.php?view=user", auth=("admin", pw))
        check(st == 401, "a wrong user name: 401")
        st, hd, body, ms = web.req("GET", "/wincache.php", auth=auth)
        check(st == 200 and "data-stats" in body, "the right password: 200")
        csp = hd.get("content-security-policy", "")
        check("default-src 'none'" in csp and "script-src" not in csp, "Content-Security-Policy forbids scripts")
        cookie = re.search(r"wcp_csrf=([0-9a-f]{64})", hd.get("set-cookie", ""))
        check(cookie is not None, "the page sets its CSRF cookie")
        token = cookie.group(1) if cookie else ""

        # ---- actions ---------------------------------------------------------------------------------
        def exists(k):
            return web.api("op=get&k=" + urllib.parse.quote(k))[1].get("ok") == "1"

        ck = {"Cookie": f"wcp_csrf={token}"}
        st, _, body, _ = web.req("POST", "/wincache.php", {"action": "clear_user", "confirm": "yes"}, headers=ck, auth=auth)
        check(st == 403 and exists("keep") and exists("bulk:5"), "clear without a token: 403, nothing cleared")
        st, _, body, _ = web.req("POST", "/wincache.php", {"action": "delete_user", "arg": "victim", "confirm": "yes",
                                                           "token": "0" * 64}, headers=ck, auth=auth)
        check(st == 403 and exists("victim"), "delete with a wrong token: 403, nothing deleted")
        st, _, body, _ = web.req("POST", "/wincache.php", {"action": "delete_user", "arg": "victim", "confirm": "yes",
                                                           "token": token}, auth=auth)
        check(st == 403 and exists("victim"), "delete with the token but without the cookie: 403, nothing deleted")
        st, _, body, _ = web.req("POST", "/wincache.php", {"action": "delete_user", "arg": "victim", "confirm": "yes", "token": token},
                                 headers=dict(ck, Origin="http://evil.example"), auth=auth)
        check(st == 403 and exists("victim"), "delete from another origin: 403, nothing deleted")
        st, _, body, _ = web.req("GET", "/wincache.php?action=delete_user&arg=victim&confirm=yes&token=" + token, headers=ck, auth=auth)
        check(st == 200 and exists("victim"), "a GET never acts")
        st, _, body, _ = web.req("POST", "/wincache.php", {"action": "delete_user", "arg": "victim", "token": token},
                                 headers=ck, auth=auth)
        check(st == 200 and 'name="confirm" value="yes"' in body and exists("victim"),
              "delete with the token: a confirmation page first, nothing deleted yet")
        st, hd, body, _ = web.req("POST", "/wincache.php", {"action": "delete_user", "arg": "victim", "token": token, "confirm": "yes"},
                                  headers=dict(ck, Origin=f"http://127.0.0.1:{port}"), auth=auth)
        loc = hd.get("location", "")
        check(st == 303 and "done=delete_user" in loc and "ok=1" in loc and not exists("victim") and exists("keep"),
              f"confirmed: deleted, then a 303 redirect (status {st}, Location {loc!r})")
        st, _, body, _ = web.req("GET", loc, headers=ck, auth=auth)
        check(st == 200 and "Delete a user-cache entry: done" in body, "the redirect's page shows the result")
        st, hd, _, _ = web.req("POST", "/wincache.php", {"action": "refresh_files", "token": token, "confirm": "yes"}, headers=ck, auth=auth)
        check(st == 303 and "ok=1" in hd.get("location", ""), "refresh files (wincache_refresh_if_changed): done")

        # a held named lock, and a process waiting for it (both bounded: 60 s, or until the flag)
        holder = subprocess.Popen(["curl", "-s", f"http://127.0.0.1:{port}/api.php?op=lock_sleep&k=browser-lock&s=60&until=browser_done"],
                                  stdout=subprocess.DEVNULL, start_new_session=True)
        bg.append(holder)
        for _ in range(200):
            if web.api("op=get&k=holder_browser-lock")[1].get("ok") == "1":
                break
            time.sleep(0.05)
        waiter = subprocess.Popen(["curl", "-s", f"http://127.0.0.1:{port}/api.php?op=lock_try&k=browser-lock&w=1"],
                                  stdout=subprocess.DEVNULL, start_new_session=True)
        bg.append(waiter)
        for _ in range(200):
            if web.api("op=get&k=waiter_browser-lock")[1].get("ok") == "1":
                break
            time.sleep(0.05)
        time.sleep(0.3)  # the waiter's first poll of the lock

        # ---- every section in chromium -----------------------------------------------------------------
        base = f"http://wincache:{pw}@127.0.0.1:{port}/wincache.php"
        # locks first: the waiter's wait is bounded (the pool's max_execution_time, as wall time)
        views = ["locks", "summary", "user", "session", "file", "resolve", "opcache"]
        doms = {}
        shots_ok = 0
        for v in views:
            q = f"?view={v}" + ("&names=browser-lock" if v == "locks" else "")
            dom, raw = dump_dom(base + q, profile)
            # the screenshots now, while the lock is held and waited for
            for w, hgt in ((1280, 2400), (390, 3400)):
                shots_ok += screenshot(base + q, os.path.join(shots, f"{v}-{w}.png"), w, hgt, profile)
            doms[v] = dom
            check(dom.stats is not None and dom.stats["request"]["view"] == v, f"{v}: chromium renders the section")
            check_numbers(v, dom)
            check(dom.scripts == 0, f"{v}: no <script> element in the DOM")
        s = doms["summary"].stats
        check(s.get("ucache", {}).get("total_item_count", 0) >= 100000, "summary: the user cache counts the 100,000 entries")
        check(s.get("fcache", {}).get("total_file_count", 0) >= 3, "summary: the file cache holds the included files")
        check(s.get("rplist", {}).get("total_file_count", 0) >= 3, "summary: the resolve-path cache holds the included names")
        check(s.get("session_store", {}).get("total_item_count", 0) >= 3, "summary: the session store holds the 3 sessions")
        lk = doms["locks"].stats.get("locks", {})
        hashes = lk.get("names", {})
        lh = hashes.get("browser-lock")
        check(any(r["name_hash"] == lh and r["alive"] for r in lk.get("held", [])), "locks: the held lock is listed with a live holder")
        check(any(r["name_hash"] == lh for r in lk.get("waiting", [])), "locks: the waiting process is listed")
        check("browser-lock" in doms["locks"].codes, "locks: the name typed in shows instead of its hash")
        check(bool(doms["opcache"].stats.get("opcache")) or "OPcache is off" in "".join(doms["opcache"].text),
              "opcache: its figures, or the note that it is off")

        # ---- escaping ------------------------------------------------------------------------------------
        dom, raw = dump_dom(f"{base}?view=user&q=" + urllib.parse.quote("alert("), profile)
        check(xss in dom.codes, "the key <script>alert(1)</script> shows as text")
        check(dom.scripts == 0 and "<script>alert" not in raw, "... and is no element: no script in the DOM")

        # ---- paging 100,000 entries --------------------------------------------------------------------------
        times = []
        for p in (1, 2):
            t0 = time.monotonic()
            dom, _ = dump_dom(f"{base}?view=user&q=bulk:&p={p}", profile)
            times.append((time.monotonic() - t0) * 1000)
            li = dom.stats.get("listing", {})
            keys = [e["key_name"] for e in li.get("entries", [])]
            check(li.get("matched") == 100000 and len(keys) == 50 and keys == sorted(keys) and li.get("offset") == (p - 1) * 50,
                  f"paging: page {p} shows rows {(p - 1) * 50 + 1}-{p * 50} of 100,000 in key order")
            if p == 1:
                first_page = keys
            else:
                check(first_page[-1] < keys[0], "paging: page 2 follows page 1")
        st, _, body, ms_last = web.req("GET", "/wincache.php?view=user&q=bulk:&p=2000", auth=auth)
        d = Dom()
        d.feed(body)
        li = d.stats["listing"]
        check(len(li["entries"]) == 50 and li["offset"] == 99950, "paging: the last page (2,000) shows the last 50 rows")
        st, _, body, ms_size = web.req("GET", "/wincache.php?view=user&sort=size&dir=desc&n=10", auth=auth)
        d = Dom()
        d.feed(body)
        sizes = [e["value_size"] for e in d.stats["listing"]["entries"]]
        check(sizes == sorted(sizes, reverse=True) and len(sizes) == 10, "sorting by size, descending, 10 a page")
        st, _, body, _ = web.req("GET", "/wincache.php?view=user&q=BULK:9999", auth=auth)
        d = Dom()
        d.feed(body)
        check(d.stats["listing"]["matched"] == 11, "filter: 'BULK:9999' matches bulk:9999 and bulk:99990-99999 (11)")
        st, _, body, ms1 = web.req("GET", "/wincache.php?view=user", auth=auth)
        d = Dom()
        d.feed(body)
        print(f"info: the user-cache page with 100,000 entries: drawn in {d.stats.get('render_ms')} ms by PHP, "
              f"{ms1:.0f} ms over HTTP; the last page {ms_last:.0f} ms, sorted by size {ms_size:.0f} ms; "
              f"in chromium (start + load + dump) {times[0]:.0f} / {times[1]:.0f} ms (not asserted)")

        # ---- screenshots -------------------------------------------------------------------------------------
        for w, hgt in ((1280, 2400), (390, 3400)):
            shots_ok += screenshot(base + "?view=entry&key=" + urllib.parse.quote(xss),
                                   os.path.join(shots, f"entry-{w}.png"), w, hgt, profile)
        # the confirmation step, as a browser shows it: the form page is a POST answer, so a file of it
        st, _, body, _ = web.req("POST", "/wincache.php", {"action": "clear_user", "token": token}, headers=ck, auth=auth)
        cpath = os.path.join(out, "confirm.html")
        with open(cpath, "w") as f:
            f.write(body)
        shots_ok += screenshot("file://" + cpath, os.path.join(shots, "confirm-1280.png"), 1280, 900, profile)
        check(shots_ok == 2 * (len(views) + 1) + 1, f"screenshots written: {shots_ok} in {shots}")
    finally:
        try:
            Http(port).api("op=set&k=browser_done&v=1")
        except Exception:
            pass
        for p in bg:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGTERM)
        if srv.poll() is None:
            os.kill(srv.pid, signal.SIGTERM)
            try:
                srv.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(srv.pid, signal.SIGKILL)
        log.close()
    print(f"browser: {passes} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
