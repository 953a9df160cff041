"""The fluxloop Python worker: runs one Python agent many times for the `fluxloop` command.

Standard library only, Python 3.8+. The command unpacks this package next to the bundled
`fluxloop/` SDK shim and starts `python3 -u <folder>/fluxloop_worker` once per worker slot, with
the project's working directory as cwd and the runner configuration as JSON in the environment
variable FLUXLOOP_WORKER_CONFIG (target, factory, factory_kwargs, working_directory,
python_path, stream_output_path, replay). It writes one ready line, then answers JSON-lines
requests on stdin with one response line each on stdout (docs/protocol.md).

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
"""
