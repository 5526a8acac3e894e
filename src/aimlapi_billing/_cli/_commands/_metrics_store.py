"""``metrics --db`` and ``exporter --db [--sync-interval]``: the store mode of the metrics commands
(:mod:`aimlapi_billing.metrics.store` has the design). Not a command of its own: ``metrics`` calls it."""

from __future__ import annotations

import argparse
import contextlib
import logging
from collections.abc import Iterator
from typing import TextIO

from ..._exceptions import AIMLAPIError
from .._common import EXIT_OK, EXIT_USAGE, PROG, client, report

#: How long Ctrl-C waits for a background sync's page to commit before the process ends anyway
#: (the sync is crash-safe: the next one goes on where it stopped).
SYNC_STOP_SECONDS = 5.0


@contextlib.contextmanager
def collector_log_silenced() -> Iterator[None]:
    """For ``metrics`` (one reading): a failed read is reported once, as the command's one error line;
    the collector's own warning (meant for a long-running exporter's log) would make it two."""
    from ...metrics import logger

    propagate, silence = logger.propagate, logging.NullHandler()
    logger.propagate = False
    logger.addHandler(silence)  # else logging's last-resort handler would print it anyway
    try:
        yield
    finally:
        logger.removeHandler(silence)
        logger.propagate = propagate


def _collector(args: argparse.Namespace, syncer: object = None) -> object:
    from ...metrics.store import StoreCollector

    return StoreCollector(
        args.db,
        max_age=args.max_age,
        key_budgets=args.keys,
        forecast_window=args.forecast_window,
        syncer=syncer,  # type: ignore[arg-type]
    )


def store_metrics(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """One reading of the store as OpenMetrics (or the textfile); exit 9 when the store cannot be read,
    12 when it is older than --max-age, 13 when a figure's window starts before its pruned cut-off (the
    exposition is written either way, saying so)."""
    try:
        from ... import metrics
        from ... import store as spend_store
    except ImportError as exc:
        return report(exc, err)
    collector = _collector(args)
    with collector_log_silenced():  # the failure is this command's one line below
        data = metrics.exposition(metrics.build_registry(collector), args.format)  # type: ignore[arg-type]
    try:
        if args.textfile is not None:
            metrics.write_textfile(args.textfile, data)
        else:
            out.write(data.decode())
    except OSError as exc:
        return report(exc, err)
    from .._store import store_failure

    try:  # the exit code says what the exposition's store series say
        with spend_store.open_for_reading(args.db) as opened:
            spend_store.fresh_as_of(opened, args.max_age)
        if collector.pruned is not None:  # type: ignore[attr-defined]
            raise collector.pruned  # type: ignore[attr-defined]
    except AIMLAPIError as exc:
        return store_failure(exc, err)
    return EXIT_OK


def serve_store(args: argparse.Namespace, err: TextIO) -> int:
    try:
        from ... import metrics
        from ...metrics.store import StoreSyncer

        billing = client(args) if args.sync_interval is not None else None
    except (AIMLAPIError, ImportError) as exc:
        return report(exc, err)
    with contextlib.ExitStack() as stack:
        if billing is not None:
            stack.callback(billing.close)
        syncer = None if billing is None else StoreSyncer(args.db, billing, args.sync_interval)
        registry = metrics.build_registry(_collector(args, syncer))  # type: ignore[arg-type]
        try:
            server = metrics.make_exporter(
                registry,
                *args.listen,
                request_timeout=args.request_timeout,
                max_connections=args.max_connections,
                max_threads=args.max_threads,
            )
        except OSError as exc:
            host, port = args.listen
            print(f"{PROG}: error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=err)
            return EXIT_USAGE
        stack.callback(server.server_close)
        if syncer is not None:
            syncer.start()
            stack.callback(syncer.stop, SYNC_STOP_SECONDS)
        url = f"{metrics.server_url(server)}{metrics.METRICS_PATH}"
        print(f"{PROG}: serving {url} from the store (Ctrl-C to stop)", file=err, flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            # Idle, Ctrl-C is the server's stop (exit 0); a sync in progress is work cut short: the stack
            # stops it at its next safe point, and the CLI says "interrupted", exit 130, as every command does.
            if syncer is not None and syncer.syncing.is_set():
                raise
    return EXIT_OK
