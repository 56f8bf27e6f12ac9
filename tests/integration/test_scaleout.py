"""Scale-out end to end with real processes: redis-server + PostgreSQL (started here from
Debian's packages), two `sentio serve --workers 0` instances and two `sentio worker`
processes. Checks: the API works on PostgreSQL, a post ingested on instance A reaches a
WebSocket client of instance B, and killing a worker with -9 loses nothing.
Skips when the server binaries are not installed."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from sentio_harness import Server, WebSocket, free_port  # noqa: E402

BIN = os.environ.get("SENTIO_BIN", "build/bin/sentio")
HARNESS = os.path.join(os.path.dirname(__file__), "..", "harness")
HAVE = shutil.which("redis-server") and os.path.exists("/usr/lib/postgresql")


@unittest.skipUnless(HAVE, "redis-server / PostgreSQL not installed")
class ScaleOutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sentio-scaleout-")
        os.chmod(cls.tmp, 0o755)
        cls.rdir, cls.pdir = os.path.join(cls.tmp, "redis"), os.path.join(cls.tmp, "pg")
        cls.redis = subprocess.run(["bash", os.path.join(HARNESS, "start-redis.sh"), cls.rdir, str(free_port())],
                                   check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        cls.pg = subprocess.run(["bash", os.path.join(HARNESS, "start-postgres.sh"), cls.pdir, str(free_port())],
                                check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        cls.env = {"SENTIO_QUEUE": cls.redis, "SENTIO_STORE": cls.pg}
        cls.workers = [cls.start_worker() for _ in range(2)]
        cls.a = Server(BIN, extra=["--workers", "0"], env=cls.env).start()
        cls.b = Server(BIN, extra=["--workers", "0"], env=cls.env).start()

    @classmethod
    def start_worker(cls):
        log = open(os.path.join(cls.tmp, "worker-%d.log" % time.time_ns()), "ab")
        return subprocess.Popen([BIN, "worker"], env=dict(os.environ, **cls.env), stdout=log, stderr=subprocess.STDOUT)

    @classmethod
    def tearDownClass(cls):
        for s in (cls.a, cls.b):
            s.stop()
        for w in cls.workers:
            w.terminate()
            w.wait(10)
        subprocess.run(["bash", os.path.join(HARNESS, "stop-redis.sh"), cls.rdir, "--wipe"], capture_output=True)
        subprocess.run(["bash", os.path.join(HARNESS, "stop-postgres.sh"), cls.pdir, "--wipe"], capture_output=True)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_live_feed_crosses_instances(self):
        ws = WebSocket(self.b.port)
        self.assertEqual(ws.recv()["type"], "connected")
        ws.send_json({"type": "subscribe", "source": "xinst"})
        time.sleep(0.3)
        st, _, r = self.a.post("/api/ingest", {"post_id": "x-1", "source": "xinst", "content": "love this so much"})
        self.assertEqual(st, 202, r)
        msg = ws.recv_until(lambda m: m.get("type") == "new_post", timeout=10)
        self.assertEqual(msg["data"]["post_id"], "x-1")
        self.assertEqual(msg["data"]["sentiment"]["label"], "positive")
        ws.close()
        # and the post is readable from the other instance (shared PostgreSQL)
        st, _, p = self.b.get("/api/posts/x-1?source=xinst")
        self.assertEqual(st, 200, p)

    def test_idempotent_ingest_and_worker_kill9(self):
        ids = ["k-%d" % i for i in range(3000)]
        for i in range(0, len(ids), 500):
            st, _, r = self.a.post("/api/ingest", {"posts": [{"post_id": x, "source": "kill", "content": "post %s is awful" % x} for x in ids[i:i + 500]]})
            self.assertEqual(st, 202, r)
        st, _, r = self.b.post("/api/ingest", {"posts": [{"post_id": x, "source": "kill", "content": "dup"} for x in ids[:100]]})
        self.assertEqual(r["duplicates"], 100)
        time.sleep(0.2)
        self.workers[0].kill()  # mid-stream
        self.workers[0].wait()
        self.workers[0] = self.start_worker()

        def done():
            st, _, page = self.a.get("/api/posts?source=kill&sentiment=negative&limit=1")
            return st == 200 and page["total"] == len(ids)
        self.a.wait_until(done, timeout=60, what="all 3000 posts analysed exactly once")
        st, _, page = self.b.get("/api/posts?source=kill&limit=1")
        self.assertEqual(page["total"], len(ids))
        st, _, agg = self.b.get("/api/sentiment/distribution?hours=24&source=kill")
        self.assertEqual(agg["total"], len(ids))


if __name__ == "__main__":
    unittest.main(verbosity=2)
