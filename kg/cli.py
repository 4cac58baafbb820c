"""The command line: a few lines per command over kg/, no logic of its own."""

from __future__ import annotations

import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from plankg.kg.errors import PlanError, RemoteError
from plankg.kg.store import PlanStore, StoreError, default_store_path
from rich.console import Console

app = typer.Typer(
    name="plankg",
    help="Chinese government work plans as a knowledge graph: build, query, export.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="The store folder (default: $PLANKG_STORE or ~/.local/share/plankg/store)."),
]


GRAPH_STORE_HELP = "Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph), …/ds/data (Fuseki)"
SOURCES_HELP = "Plan files or folders (.txt .md .docx .html); none: the bundled seed plan."
EXPORT_HELP = (
    "ttl/nt: all plans as one graph; trig/nq/jsonld: one named graph per plan; xlsx: the responsibility "
    "table (任务分工表) and load per unit; graphml/gexf: the coordination network; csv: the coordination matrix."
)


class QueryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    xml = "xml"
    ttl = "ttl"


class ExportFormat(str, Enum):
    ttl = "ttl"
    trig = "trig"
    nq = "nq"
    nt = "nt"
    jsonld = "jsonld"
    xlsx = "xlsx"
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"


def fail(message: str) -> NoReturn:
    from rich.markup import escape

    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(1)


def open_remote(endpoint: str):
    from plankg.kg.remote import RemoteStore

    if not endpoint.startswith(("http://", "https://")):
        fail(f"--endpoint {endpoint!r}: expected an http:// or https:// URL of a SPARQL endpoint")
    return RemoteStore(endpoint)


def open_store(path: Path | None, *, seed: bool = True) -> PlanStore:
    store = PlanStore(path or default_store_path())
    if seed and store.is_empty():  # the building machinery is imported only when it is needed
        from plankg.kg.pipeline import ensure_seeded

        if ensure_seeded(store):
            err.print(f"[dim]The store {store.path} was empty: built the bundled seed plan into it.[/]")
    return store


@app.command()
def build(
    sources: Annotated[list[Path] | None, typer.Argument(help=SOURCES_HELP)] = None,
    store: StoreOption = None,
) -> None:
    """Read plans into the store; rebuilding a plan replaces its named graph."""
    from plankg.kg.pipeline import build_into, bundled_seed, expand_sources
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    files = expand_sources(sources) if sources else [bundled_seed()]
    target = PlanStore(store or default_store_path())
    show = len(files) > 1 and err.is_terminal
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=not show, transient=True) as progress:  # fmt: skip
        reading = progress.add_task("reading", total=len(files))
        writing = progress.add_task("writing", total=len(files))
        built = build_into(
            target,
            files,
            on_compiled=lambda _: progress.advance(reading),
            on_written=lambda _: progress.advance(writing),
        )
    for item in built:
        plan = item.plan
        units = set(item.unit_iris)
        err.print(
            f"[green]built[/] {item.path}: {plan.title} — {len(plan.chapters)} chapters, {len(plan.tasks)} tasks, "
            f"{len(units)} units, {item.triple_count} triples → {target.path}",
            highlight=False,
        )


def parse_param(text: str, declared: str | None):
    """NAME=VALUE into (name, term): the canned query's declared type wins, else the value's form."""
    import pyoxigraph as ox

    name, sep, value = text.partition("=")
    if not sep or not re.fullmatch(r"\w+", name):
        fail(f"--param {text!r}: expected NAME=VALUE")
    kind = declared
    if kind is None:
        if value.startswith("<") and value.endswith(">"):
            kind, value = "iri", value[1:-1]
        elif re.fullmatch(r"-?\d+", value):
            kind = "integer"
        elif value.endswith("@zh"):
            kind, value = "zh", value[:-3].strip('"')
        else:
            kind = "string"
    if kind == "iri":
        try:
            return name, ox.NamedNode(value)
        except ValueError:
            fail(f"--param {name}: {value!r} is not an IRI")
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            fail(f"--param {name}: expected an integer, got {value!r}")
        return name, ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    if kind == "date":
        return name, ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    if kind == "zh":
        return name, ox.Literal(value, language="zh")
    return name, ox.Literal(value)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # SPARQL text too long to be a file name
        return False


def resolve_query(text: str) -> tuple[str, dict[str, str]]:
    """SPARQL text, a .rq file or a canned query's name → (SPARQL, declared parameter types)."""
    from plankg.queries import load_queries, parse_query_file

    canned = load_queries()
    if text in canned:
        query = canned[text]
        return query.sparql, {p.name: p.type for p in query.params}
    path = Path(text)
    if text.endswith(".rq") or (len(text) < 200 and "\n" not in text and _is_file(path)):
        if not path.is_file():
            fail(f"{text}: no such query file")
        try:
            query = parse_query_file(path)
            return query.sparql, {p.name: p.type for p in query.params}
        except Exception:  # a plain .rq without our header is still a query
            return path.read_text(encoding="utf-8"), {}
    if re.fullmatch(r"[\w-]+", text):
        fail(f"{text!r} is not a canned query; known: {', '.join(sorted(canned))}")
    return text, {}


@app.command()
def query(
    query_text: Annotated[str, typer.Argument(metavar="QUERY", help="SPARQL text, a .rq file or a canned query name.")],
    store: StoreOption = None,
    endpoint: Annotated[str | None, typer.Option(help="A remote SPARQL 1.1 endpoint URL instead of the store.")] = None,
    fmt: Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")] = QueryFormat.table,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, bound to ?NAME.")] = None,
) -> None:
    """Run a SPARQL query over the union of all plans."""
    import pyoxigraph as ox
    from plankg.kg.sparql import BindingError

    sparql, declared = resolve_query(query_text)
    bindings = dict(parse_param(p, declared.get(p.partition("=")[0])) for p in (param or []))
    missing = [name for name in declared if name not in bindings]
    if missing:
        fail(f"the query needs --param {' --param '.join(m + '=…' for m in missing)}")
    target = open_remote(endpoint) if endpoint else open_store(store)
    try:
        result = target.query(sparql, bindings)
    except BindingError as exc:
        fail(f"--param: {exc}")
    except SyntaxError as exc:
        fail(f"malformed SPARQL: {exc}")
    except OSError as exc:
        fail(f"the query failed: {exc}")
    except RemoteError as exc:
        fail(str(exc))
    if isinstance(result, ox.QueryBoolean):
        write_boolean(result, fmt)
    elif isinstance(result, ox.QuerySolutions):
        write_solutions(result, fmt)
    else:
        write_triples(result, fmt)


class AskFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question in Chinese, e.g. 哪些单位涉及赣通码？")],
    store: StoreOption = None,
    endpoint: Annotated[str | None, typer.Option(help="A remote SPARQL 1.1 endpoint URL instead of the store.")] = None,
    fmt: Annotated[AskFormat, typer.Option("--format", "-f", help="table or json.")] = AskFormat.table,
) -> None:
    """Ask in Chinese: answered with the canned query the question fits, or the closest questions that are."""
    import json

    from plankg.kg.ask import answer, table
    from rich.markup import escape
    from rich.table import Table

    try:
        result = answer(open_remote(endpoint) if endpoint else open_store(store), question)
    except RemoteError as exc:
        fail(str(exc))
    if fmt is AskFormat.json:
        sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    elif result["query"] is None:
        out.print(f"没有能回答“{escape(question)}”的查询。可以这样问：", highlight=False)
        for suggestion in result["suggestions"]:
            out.print(f"  {escape(suggestion)}", highlight=False)
    else:
        fixed, head, rows = table(result["results"])
        out.print(escape(result["title"]), highlight=False)
        for name, value in fixed:
            out.print(f"[bold]{escape(name)}[/]: {escape(value)}", highlight=False)
        shown = Table()
        for name in head:
            shown.add_column(escape(name), overflow="fold")
        for row in rows:
            shown.add_row(*(escape(value) for value in row))
        out.print(shown)
        err.print(f"[dim]{len(rows)} rows · {escape(result['why'])}[/]", highlight=False)


RESULT_FORMATS = {"json": "JSON", "csv": "CSV", "tsv": "TSV", "xml": "XML"}


def write_solutions(solutions, fmt: QueryFormat) -> None:
    import pyoxigraph as ox

    if fmt.value in RESULT_FORMATS:
        data = solutions.serialize(format=getattr(ox.QueryResultsFormat, RESULT_FORMATS[fmt.value]))
        sys.stdout.buffer.write(data)
        if not data.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
        return
    if fmt is QueryFormat.ttl:
        fail("--format ttl is for CONSTRUCT and DESCRIBE queries; use table, json, csv, tsv or xml")
    from rich.table import Table

    names = [v.value for v in solutions.variables]
    table = Table(*names, show_lines=False)
    rows = 0
    for row in solutions:
        table.add_row(*(display(row[n]) for n in names))
        rows += 1
    out.print(table)
    err.print(f"[dim]{rows} rows[/]")


def display(term) -> str:
    import pyoxigraph as ox
    from rich.markup import escape

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return escape(compact_iri(term.value))
    return escape(term.value)


def compact_iri(value: str) -> str:
    """pkid:unit/jiujiang/shi-gong-an-ju rather than the whole IRI, for tables people read."""
    from plankg.kg.store import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if namespace and value.startswith(namespace):
            return f"{prefix}:{value[len(namespace):]}"
    return value


def write_boolean(result, fmt: QueryFormat) -> None:
    """An ASK answer: the SPARQL results document for json/xml/csv/tsv, the word for a table."""
    import pyoxigraph as ox

    if fmt.value in RESULT_FORMATS:
        data = result.serialize(format=getattr(ox.QueryResultsFormat, RESULT_FORMATS[fmt.value]))
        sys.stdout.buffer.write(data + (b"" if data.endswith(b"\n") else b"\n"))
    else:
        print("true" if bool(result) else "false")


def write_triples(triples, fmt: QueryFormat) -> None:
    import pyoxigraph as ox

    formats = {"json": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}
    data = ox.serialize(triples, format=formats.get(fmt.value, ox.RdfFormat.TURTLE), prefixes=_prefixes())
    sys.stdout.buffer.write(data or b"")


def _prefixes() -> dict[str, str]:
    from plankg.kg.store import PREFIXES

    return PREFIXES


@app.command()
def push(
    graph_store: Annotated[str, typer.Option("--graph-store", help=GRAPH_STORE_HELP)],
    store: StoreOption = None,
) -> None:
    """Put every plan's named graph (and the ontology's) on a SPARQL server; pushing twice changes nothing."""
    from plankg.kg.remote import push_store

    if not graph_store.startswith(("http://", "https://")):
        fail(f"--graph-store {graph_store!r}: expected an http:// or https:// URL")
    target = open_store(store)
    pushed = push_store(target, graph_store, on_pushed=lambda p: err.print(
        f"[green]pushed[/] <{p.graph}> ({p.triples:,} triples)", highlight=False))  # fmt: skip
    err.print(f"{len(pushed)} graphs on {graph_store}", highlight=False)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help=EXPORT_HELP)] = ExportFormat.trig,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")] = None,
    store: StoreOption = None,
) -> None:
    """Write the whole knowledge graph in an RDF format, or a table or network for other tools."""
    import pyoxigraph as ox

    target = open_store(store)
    if fmt.value in VIZ_EXPORTS:
        from plankg.viz.data import load_snapshot
        from plankg.viz.exports import export_bytes

        if fmt is ExportFormat.xlsx and out_file is None and sys.stdout.isatty():
            fail("--format xlsx writes a binary workbook: give --out FILE.xlsx")
        data = export_bytes(load_snapshot(target), fmt.value)
    elif fmt in (ExportFormat.ttl, ExportFormat.nt):
        triples = target.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        kind = ox.RdfFormat.TURTLE if fmt is ExportFormat.ttl else ox.RdfFormat.N_TRIPLES
        data = ox.serialize(triples, format=kind, prefixes=_prefixes() if kind is ox.RdfFormat.TURTLE else None)
    else:
        kind = {"trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}[fmt.value]
        data = ox.serialize(target.store, format=kind, prefixes=_prefixes() if kind is ox.RdfFormat.TRIG else None)
    data = data or b""
    if out_file:
        try:
            out_file.write_bytes(data)
        except OSError as exc:
            fail(f"{out_file}: cannot write ({exc.strerror or exc})")
        err.print(f"[green]wrote[/] {out_file} ({len(data):,} bytes, {fmt.value})", highlight=False)
    else:
        sys.stdout.buffer.write(data)


VIZ_EXPORTS = ("xlsx", "graphml", "gexf", "csv")
VIEW_HELP = "coordination | platform/<name> | unit/<name> | plan[/<name>] | matrix (.svg/.png) | load (.svg/.png)"


@app.command()
def viz(
    view: Annotated[str, typer.Argument(metavar="VIEW", help=VIEW_HELP)],
    store: StoreOption = None,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Default: derived from VIEW.")] = None,
    aggregate: Annotated[str, typer.Option(help="coordination: auto | none | type | plan.")] = "auto",
) -> None:
    """Draw a view as one self-contained HTML file (or, for matrix and load, SVG/PNG)."""
    from plankg.viz.data import ViewError
    from plankg.viz.views import write_view

    try:
        written = write_view(open_store(store), view, out_file, aggregate=aggregate)
    except ViewError as exc:
        fail(str(exc))
    for path in written:
        err.print(f"[green]wrote[/] {path} ({path.stat().st_size:,} bytes)", highlight=False)


@app.command()
def stats(store: StoreOption = None) -> None:
    """Count plans, chapters, tasks, units and triples in the store."""
    from rich.table import Table

    target = open_store(store)
    table = Table("what", "count", title=f"plankg store {target.path}")
    for name, value in target.stats().items():
        table.add_row(name, f"{value:,}")
    out.print(table)
    for info in target.plans():
        out.print(f"  {info.title}  [dim]{info.graph}[/]", highlight=False)


@app.command()
def reason(
    store: StoreOption = None,
    engine: Annotated[str, typer.Option(help="hermit (owlready2, needs Java) or owlrl (OWL 2 RL rules)")] = "hermit",
) -> None:
    """Infer what the plans imply (pk:touchesPlatform, inverses, classes) into a graph per plan."""
    from plankg.kg.reason import InconsistentPlan, reason_store

    if engine not in ("hermit", "owlrl"):
        fail(f"--engine {engine!r}: expected hermit or owlrl")
    target = open_store(store)

    def report(result) -> None:
        if result.note:
            err.print(f"[yellow]note:[/] {result.note}", highlight=False)
        counts = ", ".join(f"{n} {p}" for p, n in sorted(result.counts.items())) or "nothing new"
        err.print(f"[green]reasoned[/] {result.plan} with {result.engine}: {counts}", highlight=False)

    try:
        reason_store(target, engine, on_done=report)
    except InconsistentPlan as exc:
        fail(str(exc))


@app.command()
def link(store: StoreOption = None) -> None:
    """Align the tasks of plans of different levels (city → province → nation); list gaps and local tasks."""
    from plankg.kg.link import best_counterparts, link_store
    from rich.table import Table

    target = open_store(store)
    reports = link_store(target)
    titles = {info.plan: info.title for info in target.plans()}
    if not reports:
        err.print("no two plans of different levels in the store: build a provincial or national plan beside this one")
    for report in reports:
        lower = titles.get(report.lower_plan, report.lower_plan)
        higher = titles.get(report.higher_plan, report.higher_plan)
        table = Table("上级任务 higher task", "最佳对应 best match below", "score", "evidence",
                      title=f"{higher} ← {lower}")  # fmt: skip
        for match in sorted(best_counterparts(report).values(), key=lambda m: -m.score):
            mark = "" if match.confident else " [dim](weak)[/]"
            lower_task = f"{match.lower.number} {match.lower.title}{mark}"
            higher_task = f"{match.higher.number} {match.higher.title}"
            table.add_row(higher_task, lower_task, f"{match.score:.2f}", match.evidence)
        out.print(table)
        out.print(f"gaps (上级任务无对应): {', '.join(f'{t.number} {t.title}' for t in report.gaps) or '—'}")
        out.print(f"local (本级特色任务): {', '.join(f'{t.number} {t.title}' for t in report.local) or '—'}")


@app.command()
def check(
    store: StoreOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    """Validate every plan against the SHACL shapes (ontology/shapes.ttl); exit 1 on a violation."""
    import json

    from plankg.kg.check import check_store
    from rich.table import Table

    target = open_store(store)
    violations = check_store(target)
    if fmt == "json":
        print(json.dumps([v.as_dict() for v in violations], ensure_ascii=False, indent=2))
    elif violations:
        table = Table("计划 plan", "对象 element", "规则 rule", "问题 problem", show_lines=True)
        for column in table.columns:
            column.overflow = "fold"  # Chinese names and messages wrap rather than being cut
        for v in violations:
            table.add_row(v.plan, v.element, f"{v.rule_zh}\n{v.rule_en}", f"{v.message_zh}\n{v.message_en}")
        out.print(table)
    plans = len(target.plans())
    if violations:
        err.print(f"[red]{len(violations)} violation(s)[/] in {plans} plan(s)")
        raise typer.Exit(1)
    err.print(f"[green]all {plans} plan(s) pass every check[/]")


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run before it is stopped (503).")] = 10.0,
    row_cap: Annotated[int, typer.Option(help="Most rows (or triples) in one answer; more are cut.")] = 10_000,
    update_token: Annotated[
        str | None,
        typer.Option(envvar="PLANKG_UPDATE_TOKEN", help="Accept updates with 'Authorization: Bearer TOKEN'."),
    ] = None,
    workers: Annotated[int, typer.Option(help="Query worker processes, each with the graph in memory.")] = 2,
    worker_memory: Annotated[
        int | None,
        typer.Option(help="MiB of memory one query worker may take (0: no limit); "
                     "default: the machine's memory / (workers + 1)."),
    ] = None,
) -> None:
    """Serve the graph: SPARQL endpoint, REST API, Linked Data and pages, in memory, read-only by default."""
    import uvicorn
    from plankg.api.app import create_app
    from plankg.api.settings import MIN_WORKER_MEMORY, Settings, default_worker_memory

    target = open_store(store)  # seeds an empty store, and fails clearly if it is locked
    path = target.path
    del target  # the service copies the graph into memory and leaves the store free
    try:
        if worker_memory is not None and (worker_memory < 0 or 0 < worker_memory * 2**20 < MIN_WORKER_MEMORY):
            least = MIN_WORKER_MEMORY // 2**20
            raise ValueError(f"--worker-memory {worker_memory}: expected 0 (no limit) or at least {least} MiB")
        memory = default_worker_memory(workers) if worker_memory is None else (worker_memory * 2**20 or None)
        settings = Settings(store_path=path, timeout=timeout, row_cap=row_cap, update_token=update_token,
                            workers=workers, worker_memory=memory)  # fmt: skip
    except ValueError as exc:
        fail(str(exc))
    shown = f"[{host}]" if ":" in host else host
    out.print(f"plankg serving {path} at http://{shown}:{port}/  (SPARQL: /sparql, API: /docs; Ctrl-C stops)",
              highlight=False, soft_wrap=True)  # fmt: skip
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def main() -> None:
    """Entry point: bad input gets a message and exit 1, never a traceback."""
    try:
        app()
    except (PlanError, StoreError, RemoteError) as exc:
        try:
            fail(str(exc))
        except typer.Exit:
            sys.exit(1)


if __name__ == "__main__":
    main()
