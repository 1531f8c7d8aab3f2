#!/usr/bin/env python3
"""Load generator for sse_events_per_second.sh: keep N streaming chat requests in flight
(keep-alive, one request at a time per connection), then report the server's token counter
delta from /vllm/metrics (one SSE event per token; 16 events per write in --fast mode) over the measuring window."""
import argparse, json, os, multiprocessing, re, selectors, socket, time, urllib.request


def tokens_total(port):
    # vLLM's names are served at /vllm/metrics (/metrics has the mock's own family)
    url = f"http://127.0.0.1:{port}/vllm/metrics"
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    m = re.search(r"^vllm:generation_tokens_total\{[^}]*\} ([0-9.e+]+)", text, re.M)
    return int(float(m.group(1)))


def cpu_seconds(pid):
    if not pid:
        return 0.0
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker(port, conns, tokens, stop_at):
    body = json.dumps({"model": "bench", "messages": [{"role": "user", "content": "go"}],
                       "stream": True, "max_tokens": tokens}).encode()
    req = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    sel = selectors.DefaultSelector()
    for _ in range(conns):
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        s.sendall(req)
        sel.register(s, selectors.EVENT_READ, bytearray())
    while time.monotonic() < stop_at:
        for key, _ in sel.select(timeout=0.5):
            s, tail = key.fileobj, key.data
            try:
                data = s.recv(1 << 20)
            except BlockingIOError:
                continue
            if not data:
                sel.unregister(s)
                continue
            tail += data
            if tail.endswith(b"\r\n0\r\n\r\n"):  # end of the chunked SSE body
                tail.clear()
                s.sendall(req)
            elif len(tail) > 64:
                del tail[:-64]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--tokens", type=int, default=2000)
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--procs", type=int, default=1)
    ap.add_argument("--server-pid", type=int, default=0)
    a = ap.parse_args()
    warmup = 1.0
    stop_at = time.monotonic() + warmup + a.duration + 0.5
    per = max(1, a.connections // a.procs)
    procs = [multiprocessing.Process(target=worker, args=(a.port, per, a.tokens, stop_at))
             for _ in range(a.procs)]
    for p in procs:
        p.start()
    time.sleep(warmup)
    t0, n0, c0 = time.monotonic(), tokens_total(a.port), cpu_seconds(a.server_pid)
    time.sleep(a.duration)
    t1, n1, c1 = time.monotonic(), tokens_total(a.port), cpu_seconds(a.server_pid)
    for p in procs:
        p.join()
    rate = (n1 - n0) / (t1 - t0)
    print(f"sse_events_per_second={rate:.0f} connections={per * a.procs} tokens_per_request={a.tokens} "
          f"window_s={t1 - t0:.2f} server_workers=1 server_cpu={(c1 - c0) / (t1 - t0) * 100:.0f}%")


if __name__ == "__main__":
    main()
