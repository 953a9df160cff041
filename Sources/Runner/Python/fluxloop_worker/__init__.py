"""The fluxloop Python worker: runs one Python agent many times for the `fluxloop` command.

Standard library only, Python 3.8+. The command unpacks this package next to the bundled
`fluxloop/` SDK shim and starts `python3 -u <folder>/fluxloop_worker` once per worker slot, with
the project's working directory as cwd and the runner configuration as JSON in the environment
variable FLUXLOOP_WORKER_CONFIG (target, factory, factory_kwargs, working_directory,
python_path, stream_output_path, replay). It writes one ready line, then answers JSON-lines
requests on stdin with one response line each on stdout (docs/protocol.md).

Beyond the public protocol: `duration_ms` is the agent call alone (binding to output selection);
`output_value` carries the structured value an undecorated agent returned (output.py); a line
that is not a JSON object gets a "ProtocolError" response, a failure of the worker itself a
"WorkerError" one; non-finite floats are sent as "NaN", "Infinity", "-Infinity". Exit status:
0 after end of input or {"type": "shutdown"}, 3 after ready=false, 130 on SIGINT (after
answering the request in progress with a KeyboardInterrupt error).

Nothing here keeps mutable module state: a run's state lives in per-run objects (the SDK's Run,
the bound arguments, the CallbackLog, the RunOutput capture), so runs could later share a worker
through contextvars. The SDK shim's own `active_run` and `stream_output_path` are set by worker.py
and main.py; sys.stdout / sys.stderr are swapped per run (capture.py).

Modules, in the order a run meets them:
    protocol  the transport: private descriptors, decoding requests, encoding responses
    config    FLUXLOOP_WORKER_CONFIG and sys.path
    targets   runner.target / runner.factory to a callable
    binding   a request to the target's arguments (CallPlan)
    replay    arguments from a recorded call (ReplayPlan), callback collectors
    capture   per-run stdout / stderr
    output    which value is the run's output, and the text of a returned value
    worker    one request to one response; the request loop
    main      start-up, the ready line, exit codes (0, 3 not ready, 130 SIGINT)
    errors    setup errors and tracebacks without the worker's frames
    bytecode  the runtime folder's .pyc files, also under PYTHONDONTWRITEBYTECODE (before the rest)
"""
