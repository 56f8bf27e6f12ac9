"""Ingest -> WebSocket `new_post` latency: posts at RATE/s for SECS seconds over HTTP,
one WebSocket client subscribed to their source; prints p50/p95/p99 in ms.
Usage: ws_latency.py PORT RATE SECS"""
import json, os, sys, threading, time, http.client
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from sentio_harness import WebSocket  # noqa: E402

port, rate, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
src = "lat%d" % os.getpid()
ws = WebSocket(port)
ws.recv()
ws.send_json({"type": "subscribe", "source": src})
time.sleep(0.3)
sent = {}
lat = []
done = threading.Event()

def reader():
    while not done.is_set() or len(lat) < len(sent):
        try:
            m = ws.recv(timeout=3)
        except Exception:
            return
        if m.get("type") == "new_post":
            pid = m["data"]["post_id"]
            if pid in sent:
                lat.append((time.time() - sent[pid]) * 1000)

t = threading.Thread(target=reader)
t.start()
conn = http.client.HTTPConnection("127.0.0.1", port)
batch = max(1, rate // 50)  # 50 requests/s
n = 0
t0 = time.time()
while time.time() - t0 < secs:
    posts = []
    now = time.time()
    for _ in range(batch):
        n += 1
        pid = "%s-%d" % (src, n)
        sent[pid] = now
        posts.append({"post_id": pid, "source": src, "content": "latency probe %d, nice" % n})
    conn.request("POST", "/api/ingest", json.dumps({"posts": posts}), {"Content-Type": "application/json"})
    conn.getresponse().read()
    nxt = t0 + n / rate
    if nxt > time.time():
        time.sleep(nxt - time.time())
done.set()
t.join(timeout=10)
lat.sort()
if not lat:
    print("no new_post events received")
    sys.exit(1)
pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print("posts %d, received %d, latency ms p50=%.1f p95=%.1f p99=%.1f max=%.1f" % (n, len(lat), pct(.5), pct(.95), pct(.99), lat[-1]))
