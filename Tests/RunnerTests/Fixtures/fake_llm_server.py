"""A local stand-in for the OpenAI and Anthropic HTTP APIs, for the multi-turn tests (127.0.0.1 only).

Usage: python3 fake_llm_server.py SCRIPT.json LOG.jsonl
SCRIPT is a list of steps, used in order (the last one repeats):
  {"status": 200, "text": "...model text...", "headers": {...}}   -> a provider-shaped reply carrying `text`
  {"status": 429, "headers": {"Retry-After": "1"}, "body": "..."}  -> an error reply
  {"converse": 3, "delay": 0.2}  -> a supervisor for many conversations at once: reads the transcript in the
      prompt and answers after `delay` s; "continue" with "<first user message> follow-up K" while the
      transcript has fewer than 3 assistant turns, else "terminate" with the closing message "bye <first>"
Each logged request also has "in_flight": how many requests the server was handling when it came.
Each request is appended to LOG as {"path", "headers", "body"}. The port is printed on the first line.
"""
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

steps = json.load(open(sys.argv[1]))
log_path = sys.argv[2]
lock = threading.Lock()
position = [0]
in_flight = [0]


def conversation_reply(step, body):
    """The decision for the transcript in this request's prompt (the "converse" step)."""
    prompt = body["messages"][-1]["content"]
    users = re.findall(r"^\d+\. User: (.*)$", prompt, re.M)
    agents = len(re.findall(r"^\d+\. Assistant: ", prompt, re.M))
    first = users[0] if users else ""
    if agents < step["converse"]:
        decision = {"decision": "continue", "next_user_message": "%s follow-up %d" % (first, agents),
                    "termination_reason": None, "closing_user_message": None}
    else:
        decision = {"decision": "terminate", "next_user_message": None, "termination_reason": "resolved",
                    "closing_user_message": "bye " + first}
    return {"status": 200, "text": json.dumps(decision)}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        with lock:
            step = steps[min(position[0], len(steps) - 1)]
            position[0] += 1
            in_flight[0] += 1
            with open(log_path, "a") as log:
                log.write(json.dumps({"path": self.path, "headers": dict(self.headers.items()), "body": body,
                                      "in_flight": in_flight[0]}) + "\n")
        try:
            self.answer(step, body)
        finally:
            with lock:
                in_flight[0] -= 1

    def answer(self, step, body):
        if "converse" in step:
            time.sleep(step.get("delay", 0))
            step = conversation_reply(step, body)
        status = step.get("status", 200)
        if status == 200 and "text" in step:
            if self.path.endswith("/messages"):
                payload = {"id": "msg_1", "type": "message", "role": "assistant",
                           "content": [{"type": "text", "text": step["text"]}]}
            else:
                payload = {"id": "chatcmpl-1", "object": "chat.completion",
                           "choices": [{"index": 0, "message": {"role": "assistant", "content": step["text"]}}]}
            data = json.dumps(payload).encode()
        else:
            data = step.get("body", json.dumps({"error": {"message": "fake failure %d" % status}})).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in step.get("headers", {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
