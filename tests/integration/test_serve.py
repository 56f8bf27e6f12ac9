"""End-to-end tests of `sentio serve` as a real process: API contract, bad input, live
WebSocket, alerts, crash safety (kill -9) and graceful drain. Run:
    SENTIO_BIN=build/bin/sentio python3 -m unittest tests/integration/test_serve.py -v
"""
import json
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from sentio_harness import Server, WebSocket  # noqa: E402

BIN = os.environ.get("SENTIO_BIN", "build/bin/sentio")


def wait_analysed(srv, post_id, source=None, timeout=15):
    path = "/api/posts/%s" % post_id + ("?source=%s" % source if source else "")

    def ok():
        st, _, body = srv.get(path)
        return body if st == 200 and body.get("sentiment") else None
    return srv.wait_until(ok, timeout=timeout, what="post %s analysed" % post_id)


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server(BIN).start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.srv.stop()
        assert rc == 0, "graceful stop returned %r\n%s" % (rc, cls.srv.tail())

    def test_health_info_metrics(self):
        st, _, body = self.srv.get("/api/health")
        self.assertEqual(st, 200)
        self.assertEqual(body["status"], "healthy")
        self.assertEqual(body["services"]["database"], "connected")
        st, _, info = self.srv.get("/api/info")
        self.assertEqual(st, 200)
        self.assertTrue(any(m.get("name") == "sentiment" or "sentiment" in json.dumps(m) for m in info["models"]))
        st, hdrs, text = self.srv.request("GET", "/metrics", raw=True)
        self.assertEqual(st, 200)
        self.assertIn(b"sentio_http_requests_total", text)

    def test_predict_single_and_batch(self):
        st, _, p = self.srv.post("/api/predict", {"text": "I absolutely love this, best video ever!", "explain": True})
        self.assertEqual(st, 200, p)
        self.assertEqual(p["label"], "positive")
        self.assertAlmostEqual(sum(p["scores"].values()), 1.0, places=3)
        self.assertIn("emotion", p)
        self.assertTrue(p["model_version"].startswith("sentiment"))
        self.assertTrue(p["explanation"])
        st, _, p = self.srv.post("/api/predict", {"comment": "this is terrible, I hate it"})
        self.assertEqual(st, 200)
        self.assertEqual(p["label"], "negative")
        st, _, b = self.srv.post("/api/predict", {"texts": ["great stuff!", "awful, worst ever", "the meeting is at 3pm"]})
        self.assertEqual(st, 200)
        self.assertEqual([x["label"] for x in b["predictions"]], ["positive", "negative", "neutral"])

    def test_ingest_idempotent_and_readable(self):
        posts = [{"post_id": "it-a-%d" % i, "source": "youtube", "video_id": "vidA",
                  "content": "I love this video %d" % i, "author": "amy",
                  "created_at": "2026-11-23T10:0%d:00Z" % i} for i in range(5)]
        st, _, r = self.srv.post("/api/ingest", {"posts": posts})
        self.assertEqual(st, 202, r)
        self.assertEqual(r["accepted"], 5)
        self.assertEqual(r["duplicates"], 0)
        st, _, r = self.srv.post("/api/ingest", {"posts": posts[:3]})
        self.assertEqual(st, 202)
        self.assertEqual((r["accepted"], r["duplicates"]), (0, 3))
        got = wait_analysed(self.srv, "it-a-4", "youtube")
        self.assertEqual(got["source"], "youtube")
        self.assertEqual(got["sentiment"]["label"], "positive")
        st, _, page = self.srv.get("/api/posts?video_id=vidA&limit=2")
        self.assertEqual(st, 200)
        self.assertEqual(page["total"], 5)
        self.assertEqual(len(page["posts"]), 2)
        self.assertEqual(page["posts"][0]["post_id"], "it-a-4")  # newest first
        st, _, page2 = self.srv.get("/api/posts?video_id=vidA&limit=2&cursor=" + page["next_cursor"])
        self.assertEqual([p["post_id"] for p in page2["posts"]], ["it-a-2", "it-a-1"])
        st, _, agg = self.srv.get("/api/sentiment/aggregate?period=minute&start_date=2026-11-23T10:00:00Z"
                                   "&end_date=2026-11-23T10:10:00Z&video_id=vidA")
        self.assertEqual(st, 200, agg)
        self.assertEqual(len(agg["data"]), 10)  # empty buckets included
        self.assertEqual(agg["summary"]["total_posts"], 5)
        self.assertEqual(sum(b["total_count"] for b in agg["data"]), 5)

    def test_ndjson_and_per_item_errors(self):
        body = '{"content":"ok nd 1","source":"reddit","post_id":"nd1"}\n{"broken\n{"content":""}\n'
        st, _, r = self.srv.post("/api/ingest", body, headers={"Content-Type": "application/x-ndjson"})
        self.assertEqual(st, 202, r)
        self.assertEqual(r["accepted"], 1)
        self.assertEqual(sorted(e["index"] for e in r["errors"]), [1, 2])

    def test_bad_input_gets_clear_4xx(self):
        cases = [
            ("POST", "/api/ingest", "{not json", {"Content-Type": "application/json"}, 400),
            ("POST", "/api/predict", json.dumps({"text": 5}), {"Content-Type": "application/json"}, (400, 422)),
            ("POST", "/api/predict", json.dumps({}), {"Content-Type": "application/json"}, 422),
            ("POST", "/api/ingest", b'{"content":"bad \xff utf8"}', {"Content-Type": "application/json"}, 400),
            ("GET", "/api/posts?limit=abc", None, {}, 422),
            ("GET", "/api/posts?bogus=1", None, {}, 400),
            ("GET", "/api/sentiment/aggregate?period=fortnight", None, {}, 422),
            ("GET", "/api/nope", None, {}, 404),
            ("POST", "/api/predict", json.dumps({"texts": ["x"] * 100000}), {"Content-Type": "application/json"}, (413, 422)),
        ]
        for method, path, body, headers, want in cases:
            st, _, r = self.srv.request(method, path, body=body, headers=headers)
            wants = want if isinstance(want, tuple) else (want,)
            self.assertIn(st, wants, (path, st, r))
            self.assertIn("error", r, (path, r))
            self.assertIn("code", r["error"])
            self.assertIn("message", r["error"])
        st, _, r = self.srv.post("/api/ingest", "x" * (9 << 20), headers={"Content-Type": "application/json"})
        self.assertEqual(st, 413)
        st, _, _ = self.srv.get("/api/health")  # still serving
        self.assertEqual(st, 200)

    def test_slow_client_is_timed_out_and_others_served(self):
        s = socket.create_connection(("127.0.0.1", self.srv.port))
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
        st, _, _ = self.srv.get("/api/health")
        self.assertEqual(st, 200)
        s.close()

    def test_export_streams_csv_and_jsonl(self):
        self.srv.post("/api/ingest", {"posts": [{"post_id": "exp-%d" % i, "source": "exp", "content": "export, \"quoted\" %d" % i} for i in range(3)]})
        wait_analysed(self.srv, "exp-2", "exp")
        st, h, data = self.srv.request("GET", "/api/export?format=jsonl&source=exp", raw=True)
        self.assertEqual(st, 200)
        rows = [json.loads(l) for l in data.decode().splitlines() if l.strip()]
        self.assertEqual(sorted(r["post_id"] for r in rows), ["exp-0", "exp-1", "exp-2"])
        st, h, data = self.srv.request("GET", "/api/export?format=csv&source=exp", raw=True)
        self.assertEqual(st, 200)
        self.assertIn("text/csv", h.get("Content-Type", h.get("content-type", "")))
        self.assertEqual(len(data.decode().strip().splitlines()), 4)

    def test_websocket_new_post_and_alert(self):
        ws = WebSocket(self.srv.port)
        hello = ws.recv()
        self.assertEqual(hello["type"], "connected")
        ws.send_json({"type": "subscribe", "source": "wsonly"})
        # Events queued before the subscription took effect (a post an earlier test ingested and
        # the pipeline analysed late) come before the ack; after it, only "wsonly" posts may.
        ack = ws.recv_until(lambda m: m.get("type") == "subscribed", timeout=5)
        self.assertEqual(ack["source"], "wsonly")
        t0 = time.time()
        self.srv.post("/api/ingest", {"post_id": "ws-1", "source": "wsonly", "content": "what a wonderful day"})
        msg = ws.recv_until(lambda m: m.get("type") == "new_post", timeout=5)
        self.assertEqual(msg["data"]["post_id"], "ws-1")
        self.assertEqual(msg["data"]["sentiment"]["label"], "positive")
        self.assertLess(time.time() - t0, 2.0)
        # alert: a strict negative_share rule scoped to one source
        rules = {"rules": [{"id": "it-neg", "type": "negative_share", "threshold": 0.5, "window_s": 300,
                            "min_posts": 5, "cooldown_s": 0, "scope": "source", "scope_value": "angry"}]}
        st, _, r = self.srv.request("PUT", "/api/alerts/rules", body=rules)
        self.assertEqual(st, 200, r)
        st, _, r = self.srv.request("PUT", "/api/alerts/rules", body={"rules": [{"type": "nonsense", "threshold": 1}]})
        self.assertEqual(st, 422, r)
        ws2 = WebSocket(self.srv.port)
        ws2.recv()
        self.srv.post("/api/ingest", {"posts": [{"source": "angry", "content": "this is awful, I hate it so much %d" % i} for i in range(10)]})
        alert = ws2.recv_until(lambda m: m.get("type") == "alert", timeout=15)
        self.assertEqual(alert["data"]["alert_type"], "negative_share")
        st, _, alerts = self.srv.get("/api/alerts?type=negative_share")
        self.assertTrue(any(a["rule_id"] == "it-neg" for a in alerts["alerts"]))
        ws.close()
        ws2.close()


class CrashTest(unittest.TestCase):
    def test_kill9_during_ingest_loses_nothing_and_duplicates_nothing(self):
        srv = Server(BIN).start()
        acked, stop = [], threading.Event()

        def producer(tid):
            i = 0
            while not stop.is_set():
                ids = ["crash-%d-%d-%d" % (tid, i, k) for k in range(50)]
                body = {"posts": [{"post_id": x, "source": "crash", "content": "post %s is great" % x} for x in ids]}
                try:
                    st, _, r = srv.post("/api/ingest", body, timeout=5)
                except OSError:
                    return
                if st == 202:
                    acked.extend(ids)
                i += 1

        threads = [threading.Thread(target=producer, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        srv.kill9()
        stop.set()
        for t in threads:
            t.join()
        self.assertGreater(len(acked), 100)
        srv2 = Server(BIN, data_dir=srv.data_dir).start()
        try:
            def all_analysed():
                st, _, page = srv2.get("/api/posts?source=crash&limit=1")
                return page["total"] if st == 200 else None
            total = srv2.wait_until(lambda: all_analysed() is not None and all_analysed() >= len(acked) and all_analysed(),
                                    timeout=20, what="acked posts present")
            # exactly once: the export holds each acknowledged id exactly once, and every one analysed
            st, _, data = srv2.request("GET", "/api/export?format=jsonl&source=crash", raw=True)
            rows = [json.loads(l) for l in data.decode().splitlines() if l.strip()]
            ids = [r["post_id"] for r in rows]
            self.assertEqual(len(ids), len(set(ids)))
            self.assertTrue(set(acked) <= set(ids), "lost %d acknowledged posts" % len(set(acked) - set(ids)))
            self.assertEqual(total, len(ids))

            def analysed_count():
                st, _, s = srv2.get("/api/posts?source=crash&sentiment=positive&limit=1")
                st2, _, a = srv2.get("/api/posts?source=crash&limit=1")
                return s["total"] == a["total"] or None
            srv2.wait_until(analysed_count, timeout=30, what="every recovered post analysed")
        finally:
            self.assertEqual(srv2.stop(), 0)


class AuthTest(unittest.TestCase):
    def test_keys_scopes_and_rate_limits(self):
        import tempfile
        d = tempfile.mkdtemp()
        keys = os.path.join(d, "keys.jsonl")
        import subprocess
        lines = []
        for name, key, scopes in (("reader", "read-key-123456", ["read"]), ("admin", "admin-key-123456", ["read", "ingest", "admin"])):
            h = subprocess.run([BIN, "keys", "hash", key], capture_output=True, text=True, check=True).stdout.strip()
            lines.append(json.dumps({"name": name, "key_sha256": h, "scopes": scopes, "rate_per_s": 1000, "burst": 1000}))
        with open(keys, "w") as f:
            f.write("\n".join(lines) + "\n")
        srv = Server(BIN, extra=["--api-keys-file", keys]).start()
        try:
            self.assertEqual(srv.get("/api/health")[0], 200)
            st, _, r = srv.get("/api/posts")
            self.assertEqual(st, 401)
            self.assertIn("error", r)
            self.assertEqual(srv.get("/api/posts", headers={"Authorization": "Bearer wrong"})[0], 401)
            self.assertEqual(srv.get("/api/posts", headers={"Authorization": "Bearer read-key-123456"})[0], 200)
            st, _, r = srv.post("/api/ingest", {"content": "x"}, headers={"Authorization": "Bearer read-key-123456"})
            self.assertEqual(st, 403)
            st, _, r = srv.post("/api/ingest", {"content": "hello"}, headers={"Authorization": "Bearer admin-key-123456"})
            self.assertEqual(st, 202)
        finally:
            srv.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
