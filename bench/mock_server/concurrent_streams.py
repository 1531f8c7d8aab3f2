#!/usr/bin/env python3
"""Hold N concurrent streaming chat requests against a running aiperf-mock-server and check that
every one completes with all its tokens. Prints the peak vllm:num_requests_running seen on
/metrics and the number of complete streams.

  concurrent_streams.py --port P [--streams 10000] [--tokens 20]
(run the server with e.g. --ttft 500 --itl 100 so streams overlap for a few seconds)."""
import argparse, json, re, resource, selectors, socket, time, urllib.request


def running(port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    return int(re.search(r"^vllm:num_requests_running\{[^}]*\} (-?\d+)", text, re.M).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--streams", type=int, default=10000)
    ap.add_argument("--tokens", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "go"}], "stream": True,
                       "max_tokens": a.tokens}).encode()
    req = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
           b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    sel = selectors.DefaultSelector()
    t0 = time.monotonic()
    for _ in range(a.streams):
        s = socket.create_connection(("127.0.0.1", a.port))
        s.setblocking(False)
        s.sendall(req)
        sel.register(s, selectors.EVENT_READ, bytearray())
    opened = time.monotonic() - t0
    peak, complete, bad, open_n = 0, 0, 0, a.streams
    last_probe = 0.0
    deadline = time.monotonic() + a.timeout
    while open_n and time.monotonic() < deadline:
        if time.monotonic() - last_probe > 0.25:
            peak = max(peak, running(a.port))
            last_probe = time.monotonic()
        for key, _ in sel.select(timeout=0.1):
            s, buf = key.fileobj, key.data
            try:
                data = s.recv(1 << 16)
            except ConnectionError:  # e.g. a --fault-reset-* server
                data = b""
            if data:
                buf += data
                continue
            sel.unregister(s)
            s.close()
            open_n -= 1
            text = bytes(buf)
            if text.count(b'"content"') == a.tokens and b"data: [DONE]" in text:
                complete += 1
            else:
                bad += 1
    print(f"streams={a.streams} complete={complete} incomplete={bad + open_n} "
          f"peak_running={peak} connect_s={opened:.2f} total_s={time.monotonic() - t0:.2f}")


if __name__ == "__main__":
    main()
