#!/usr/bin/env node
// A fluxloop agent in JavaScript, speaking the worker protocol (docs/protocol.md):
// one JSON request per line on stdin, one JSON response per line on stdout.
// Anything written to stderr is kept with the run's trace; stdout is reserved for responses.
"use strict";
const readline = require("readline");
const crypto = require("crypto");

function answer(input) {
  const text = input.toLowerCase();
  if (text.includes("refund")) throw Object.assign(new Error("refunds need a human"), { name: "RefundError" });
  if (text.includes("ship")) return "Orders ship within two business days.";
  return `You asked: ${input}`;
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  if (!line.trim()) return;
  const request = JSON.parse(line);
  const started = new Date();
  const response = { id: request.id };
  try {
    response.output = answer(request.input);
  } catch (error) {
    response.error = { type: error.name, message: error.message, traceback: error.stack };
  }
  const ended = new Date();
  process.stderr.write(`handled ${request.id} (iteration ${request.iteration})\n`);
  // Optional: observations shaped like the lines of observations.jsonl.
  response.observations = [{
    id: crypto.randomUUID(),
    type: "agent",
    name: "NodeAgent",
    start_time: started.toISOString(),
    end_time: ended.toISOString(),
    input: { input: request.input, persona: request.persona ? request.persona.name : null },
    ...(response.output !== undefined ? { output: response.output } : { error: response.error.message }),
    level: "info",
    metadata: {},
    trace_id: request.trace_id,
  }];
  process.stdout.write(JSON.stringify(response) + "\n");
});
