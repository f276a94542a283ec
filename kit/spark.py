"""Apache Spark: the same warehouse and the same definitions of kit/sql/ as Spark SQL.

Three parts:

- `session()`: one Spark session per process. Local mode by default (`local[2]`), a
  cluster when `SPARK_MASTER` names a master URL, or Spark Connect when `SPARK_REMOTE`
  is set.
- Base views: every table of kit/schema.py becomes a temporary view over the Parquet
  files of one snapshot of the warehouse (kit.warehouse: the latest version, or a
  Query's pinned one), read in place (hive partitions `platform` and `month` come from
  the folder names, as strings), rendered from kit.schema.BASE_VIEWS as kit/db.py
  renders DuckDB's.
- `translate(sql, params)`: the DuckDB SQL that kit.query runs — with `$name` parameters
  and calls to the views and macros of kit/sql/ — becomes one self-contained Spark SQL
  statement. sqlglot parses the DuckDB text; parameters become literals built by sqlglot
  (never string formatting); table macros and views are inlined as subqueries and scalar
  macros as expressions, their parameters replaced by the call's arguments; sqlglot then
  writes Spark SQL. `query_table('name')` (DuckDB's table function that reads the table
  or CTE a string names, how a served macro reads rows its caller made) becomes a
  reference to that table or CTE of the calling query. The definitions in kit/sql/ stay
  the one source of truth.

kit.engine picks this module when `CHARTROOM_ENGINE=spark`; `cursor(warehouse)` answers
`.sql(sql, params=...)` like a DuckDB cursor, so kit.query's functions run unchanged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import os
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import sqlglot
from sqlglot import exp

from . import config, warehouse
from .errors import SparkUnavailable, TranslationError
from .schema import BASE_VIEWS, TABLES, BaseView, sql_type

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOCAL_MASTER = "local[2]"
# Spark settings for local mode (tests, a laptop): no UI, loopback only, few shuffle
# partitions (the default 200 makes a tiny query slow), modest memory.
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "1g",
    "spark.sql.shuffle.partitions": "1",
    "spark.ui.showConsoleProgress": "false",
}
# Settings every session needs, a cluster's too: dates are UTC days (README, "What the numbers mean"), and
# partition values stay strings ('2026-09' would otherwise be inferred as a date).
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
}

_session: SparkSession | None = None
_views: dict[tuple, dict[str, str]] = {}
_lock = threading.RLock()


# ---------------------------------------------------------------------------------------
# The session


def session() -> SparkSession:
    """The process's Spark session, started on first use (5–15 s in local mode)."""
    global _session
    with _lock:
        if _session is not None and not _is_stopped(_session):
            return _session
        with warnings.catch_warnings():
            # pyspark warns that it is not yet certified on pandas 3; results leave
            # Spark as Arrow tables and are converted by kit.query, not by pyspark.
            warnings.simplefilter("ignore", FutureWarning)
            try:
                from pyspark.sql import SparkSession
            except ImportError:
                raise SparkUnavailable(
                    "The spark engine needs pyspark: pip install -e '.[spark]'."
                ) from None

            builder = SparkSession.builder.appName("chartroom")
            remote = config.setting("SPARK_REMOTE")
            if remote:
                builder = builder.remote(remote)
            else:
                master = config.setting("SPARK_MASTER") or LOCAL_MASTER
                builder = builder.master(master)
                if master.startswith("local"):
                    # Read by the JVM at launch: stay on loopback, whatever the hostname says.
                    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
                    for key, value in LOCAL_CONF.items():
                        builder = builder.config(key, value)
                for key, value in SESSION_CONF.items():
                    builder = builder.config(key, value)
            try:
                with _jvm_output(remote):
                    spark = builder.getOrCreate()
            except Exception as exc:  # pyspark raises several kinds; the user needs one line
                raise SparkUnavailable(
                    f"Spark could not start ({str(exc).splitlines()[0]}). It needs Java 17 or "
                    f"later (java on PATH, or JAVA_HOME); its own output is in {jvm_log()}."
                ) from exc
        for key, value in SESSION_CONF.items():
            spark.conf.set(key, value)
        if not remote:
            spark.sparkContext.setLogLevel("ERROR")
        _session = spark
        _views.clear()
        return spark


def jvm_log() -> Path:
    """Where the local Spark JVM writes its own output (start-up notices, warnings)."""
    return Path(tempfile.gettempdir()) / "chartroom-spark.log"


@contextlib.contextmanager
def _jvm_output(remote: str | None) -> Iterator[None]:
    """Points file descriptors 1 and 2 at jvm_log() while the JVM starts: it inherits
    them, and would otherwise print its notices into the CLI's output and into every
    report that papermill executes. Spark's errors still reach Python as exceptions."""
    if remote:  # Spark Connect starts no local JVM
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    try:
        with open(jvm_log(), "ab") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


def _is_stopped(spark: SparkSession) -> bool:
    context = getattr(spark, "_sc", None)  # None under Spark Connect
    return context is not None and context._jsc is None


def stop() -> None:
    """Stop the session (the next query starts a new one)."""
    global _session
    with _lock:
        if _session is not None:
            _session.stop()
        _session = None
        _views.clear()


# ---------------------------------------------------------------------------------------
# The warehouse's tables as Spark views


def warehouse_uri(root: Path) -> str:
    """Where Spark reads the warehouse: $CHARTROOM_SPARK_WAREHOUSE (e.g. s3a://bucket/wh,
    when Spark sees the files under another name than this machine does), else `root`."""
    return config.setting("CHARTROOM_SPARK_WAREHOUSE") or root.as_uri()


def _base_path(rel: str) -> str:
    """The table's folder for a file's path: what precedes its partition folders."""
    parts = rel.split("/")[:-1]
    while parts and "=" in parts[-1]:
        parts.pop()
    return "/".join(parts)


def _base_view(name: str, view: BaseView, files: Sequence[str]) -> str:
    """The Spark view over one table, as kit/schema.py describes it, on `files`: the name
    of a view over the snapshot's files (Spark reads the partition values, as strings,
    from their folder names: SESSION_CONF), or none for a table without files."""
    if not files:
        empty = [f"cast(null as {sql_type(t, 'spark')}) as `{c}`" for c, t in view.columns]
        return f"create or replace temporary view `{name}` as select {', '.join(empty)} where false"
    columns = [f"cast(`{c}` as {sql_type(t, 'spark')}) as `{c}`" for c, t in view.columns]
    return (
        f"create or replace temporary view `{name}` as "
        f"select {', '.join(columns)} from `{name}__files`"
    )


# views kept per session, one set per snapshot (warehouse and version), the oldest dropped
SNAPSHOTS_KEPT = 8


def views(snap: warehouse.Snapshot) -> dict[str, str]:
    """{table: Spark view name} over the files of one snapshot, created on first use.

    Each view reads exactly the files its snapshot lists (`spark.read.parquet(*files)`
    with the table's folder as `basePath`, so the partition columns come from the folder
    names), so a query pinned to a version keeps its answers while newer ones are
    committed. The names carry a hash of the warehouse's location and of the snapshot."""
    uri = warehouse_uri(snap.root).rstrip("/")
    key = (uri, snap.key)
    with _lock:
        spark = session()
        names = _views.get(key)
        if names is not None:
            _views[key] = _views.pop(key)  # most recently used last
            return names
        prefix = "chartroom_" + hashlib.sha1(repr(key).encode()).hexdigest()[:12]
        names = {t: f"{prefix}_{t}" for t in BASE_VIEWS}
        for table, view in BASE_VIEWS.items():
            files = snap.files.get(table, ())
            if files:
                frame = spark.read.option("basePath", f"{uri}/{_base_path(files[0])}").parquet(
                    *(f"{uri}/{rel}" for rel in files)
                )
                frame.createOrReplaceTempView(f"{names[table]}__files")
            spark.sql(_base_view(names[table], view, files))
        _views[key] = names
        while len(_views) > SNAPSHOTS_KEPT:
            for name in _views.pop(next(iter(_views))).values():
                spark.catalog.dropTempView(name)
                spark.catalog.dropTempView(f"{name}__files")
        return names


# ---------------------------------------------------------------------------------------
# kit/sql/ definitions, parsed with sqlglot


@dataclass(frozen=True)
class Definition:
    """One file of kit/sql/: a view, a table macro or a scalar macro."""

    name: str
    kind: str  # view | table_macro | scalar_macro
    params: tuple[str, ...]
    body: exp.Expression  # a query, or an expression for a scalar macro


_definitions: dict[tuple, dict[str, Definition]] = {}


def definitions() -> dict[str, Definition]:
    """Every view and macro of kit/sql/, parsed (re-read when a file changes)."""
    files = sorted(config.SQL_DIR.glob("*.sql"))
    key = tuple((p.name, p.stat().st_mtime_ns) for p in files)
    found = _definitions.get(key)
    if found is None:
        found = {}
        for path in files:
            definition = _parse_definition(path)
            found[definition.name] = definition
        _check_cte_names(found)
        _definitions.clear()
        _definitions[key] = found
    return found


def _parse_definition(path: Path) -> Definition:
    try:
        tree = sqlglot.parse_one(path.read_text(), read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise TranslationError(f"kit/sql/{path.name}: sqlglot cannot parse it: {exc}") from None
    if not isinstance(tree, exp.Create):
        raise TranslationError(f"kit/sql/{path.name}: expected one `create … view|macro`.")
    kind = str(tree.args.get("kind") or "").upper()
    target = tree.this
    if kind == "VIEW":
        return Definition(target.name, "view", (), tree.expression)
    if kind == "MACRO" and isinstance(target, exp.UserDefinedFunction):
        params = tuple(p.name for p in target.expressions)
        is_table = isinstance(tree.expression, exp.Query)
        return Definition(
            target.this.name,
            "table_macro" if is_table else "scalar_macro",
            params,
            tree.expression,
        )
    raise TranslationError(f"kit/sql/{path.name}: only views and macros can be translated.")


def _check_cte_names(found: Mapping[str, Definition]) -> None:
    """A CTE named like a warehouse table or a definition would shadow it once inlined."""
    reserved = set(TABLES) | set(found)
    for definition in found.values():
        for cte in definition.body.find_all(exp.CTE):
            if cte.alias_or_name in reserved:
                raise TranslationError(
                    f"kit/sql/{definition.name}.sql: the CTE {cte.alias_or_name!r} is named "
                    "like a table or a definition; rename it so it can be inlined on Spark."
                )


# ---------------------------------------------------------------------------------------
# Translation


def literal(value: object) -> exp.Expression:
    """A Python value as a SQL literal built by sqlglot (quotes escaped for the dialect)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        return exp.Literal.number(repr(value))
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "timestamp")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "date")
    if isinstance(value, Sequence):
        items = [literal(v) for v in value]
        if not items:  # every list kit.query passes holds ids or slugs
            return exp.cast(exp.Array(expressions=[]), "array<string>")
        return exp.Array(expressions=items)
    raise TranslationError(f"Cannot pass a {type(value).__name__} to Spark SQL: {value!r}")


def translate(
    sql: str,
    params: Mapping[str, object] | Sequence[object] | None = None,
    tables: Mapping[str, str] | None = None,
) -> str:
    """One Spark SQL statement for a DuckDB statement over the definitions of kit/sql/.

    `params` fill `$name` (a mapping) or `?` (a sequence) placeholders; `tables` renames
    the warehouse's tables (to the views of `views()`)."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise TranslationError(f"sqlglot cannot parse the query: {exc}") from None
    tree = _bind(tree, params)
    tree = _named_tables(tree, {})
    tree = _inline(tree, definitions(), (), itertools.count(1), {})
    tree = _null_guards(tree)
    tree = tree.transform(_spark_fixes)
    if tables:
        tree = tree.transform(lambda node: _rename_table(node, tables))
    return tree.sql(dialect="spark")


def _bind(tree: exp.Expression, params: Mapping[str, object] | Sequence[object] | None):
    positional = list(params) if isinstance(params, Sequence) else None
    named = params if isinstance(params, Mapping) else {}

    def bind(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Placeholder):
            return node
        name = node.name
        if name and name != "?":
            if name not in named:
                raise TranslationError(f"No value given for the parameter ${name}.")
            return literal(named[name])
        if not positional:
            raise TranslationError("More `?` placeholders than values.")
        return literal(positional.pop(0))

    return tree.transform(bind)


def _substitute(body: exp.Expression, names: Sequence[str], args: Sequence[exp.Expression]):
    """The body of a macro with each parameter replaced by the call's argument."""
    values = dict(zip(names, args, strict=True))

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name in values:
            arg = values[node.name].copy()
            atomic = (exp.Literal, exp.Column, exp.Cast, exp.Array, exp.Null, exp.Boolean)
            return arg if isinstance(arg, (*atomic, exp.Func, exp.Paren)) else exp.Paren(this=arg)
        return node

    return body.copy().transform(replace)


def _call(node: exp.Expression) -> tuple[str, list[exp.Expression]] | None:
    """(name, arguments) when the node calls a function not known to sqlglot."""
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower(), list(node.expressions)
    return None


def _inline(
    tree: exp.Expression,
    found: Mapping[str, Definition],
    stack: tuple[str, ...],
    expansions: Iterator[int],
    scope: Mapping[str, str],
) -> exp.Expression:
    """The tree with its calls to the definitions of kit/sql/ replaced by their bodies;
    `scope` maps the names of the CTEs the tree can see to the names inlining gave them."""

    def expand(name: str, args: list[exp.Expression]) -> exp.Expression:
        definition = found[name]
        if name in stack:
            raise TranslationError(f"kit/sql: {name} refers to itself through {' → '.join(stack)}.")
        if len(args) != len(definition.params):
            raise TranslationError(
                f"{name}() takes {len(definition.params)} arguments "
                f"({', '.join(definition.params)}), not {len(args)}."
            )
        body = _substitute(definition.body, definition.params, args)
        prefix = f"{name}_{next(expansions)}__"
        renamed = {c.alias_or_name: prefix + c.alias_or_name for c in body.find_all(exp.CTE)}
        body = _rename_ctes(body, renamed)
        # after the renaming: a name the caller passed is the caller's table or CTE, never
        # one of the body's own
        body = _named_tables(body, scope)
        return _inline(body, found, (*stack, name), expansions, {**scope, **renamed})

    def visit(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and not node.args.get("db"):
            call = _call(node.this)
            name = call[0] if call else node.name.lower()
            definition = found.get(name)
            if definition is None or definition.kind == "scalar_macro":
                return node
            if call is None and definition.kind == "table_macro":
                raise TranslationError(f"{name} is a table macro: call it with its arguments.")
            body = expand(name, call[1] if call else [])
            alias = node.args.get("alias") or exp.TableAlias(this=exp.to_identifier(name))
            return exp.Subquery(this=body, alias=alias.copy())
        call = _call(node)
        if call and found.get(call[0]) and found[call[0]].kind == "scalar_macro":
            return exp.Paren(this=expand(*call))
        return node

    return tree.transform(visit)


def _rename_ctes(body: exp.Expression, renamed: Mapping[str, str]) -> exp.Expression:
    """The body with its CTEs renamed as `renamed` says (a prefix of the expansion's own):
    sqlglot moves every CTE of the inlined subqueries to the top of the Spark statement,
    where names must differ."""
    if not renamed:
        return body

    def rename(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.CTE):
            node.set("alias", exp.TableAlias(this=exp.to_identifier(renamed[node.alias_or_name])))
        elif isinstance(node, exp.Table) and not node.args.get("db") and node.name in renamed:
            alias = node.args.get("alias") or exp.TableAlias(this=exp.to_identifier(node.name))
            return exp.Table(this=exp.to_identifier(renamed[node.name]), alias=alias.copy())
        return node

    return body.transform(rename)


def _named_tables(tree: exp.Expression, scope: Mapping[str, str]) -> exp.Expression:
    """`query_table('name')` → the table or CTE `name` (its inlined name, `scope`). Spark
    has no table function that reads a table named by a string; the name is a literal here,
    after the parameters are bound and the macros' arguments substituted. Macro calls not
    yet inlined are left alone: their names are resolved when they are."""

    def resolve(node: exp.Expression) -> exp.Expression:
        call = _call(node.this) if isinstance(node, exp.Table) else None
        if call is None or call[0] != "query_table":
            return node
        args = call[1]
        if len(args) != 1 or not (isinstance(args[0], exp.Literal) and args[0].is_string):
            raise TranslationError(
                f"query_table takes the name of a table as a string, not {node.this.sql('duckdb')}."
            )
        name = args[0].name
        alias = node.args.get("alias") or exp.TableAlias(this=exp.to_identifier(name))
        return exp.Table(this=exp.to_identifier(scope.get(name, name)), alias=alias.copy())

    return tree.transform(resolve)


def _null_guards(tree: exp.Expression) -> exp.Expression:
    """`NULL IS NULL OR …` (an optional filter given no value) → TRUE.

    Spark types the bare NULL as void, which list functions refuse, so the branch
    that the guard makes irrelevant must not be left for Spark to analyse."""

    def fold(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Or):
            for side in (node.this, node.expression):
                if (
                    isinstance(side, exp.Is)
                    and isinstance(side.this, exp.Null)
                    and isinstance(side.expression, exp.Null)
                ):
                    return exp.true()
        return node

    return tree.transform(fold)


def _spark_fixes(node: exp.Expression) -> exp.Expression:
    """What sqlglot's DuckDB → Spark translation leaves for Spark to refuse."""
    # cast(unnest(generate_series(…)) as date): Spark allows no generator inside an
    # expression, so the cast moves onto the array.
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Explode):
        element = node.args["to"].copy()
        array = exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[element], nested=True)
        inner = node.this.this.copy()
        return exp.Explode(this=exp.Cast(this=inner, to=array))
    # list_position(list, x) is array_position(array, x) on Spark (both 1-based, 0 if absent
    # on Spark, NULL on DuckDB: only used to order by the order of the query's lists).
    call = _call(node)
    if call and call[0] == "list_position":
        return exp.Anonymous(this="array_position", expressions=call[1])
    return node


def _rename_table(node: exp.Expression, tables: Mapping[str, str]) -> exp.Expression:
    if isinstance(node, exp.Table) and not node.args.get("db") and node.name in tables:
        renamed = exp.to_table(tables[node.name])
        renamed.set("alias", (node.args.get("alias") or exp.TableAlias(this=node.this)).copy())
        return renamed
    return node


# ---------------------------------------------------------------------------------------
# The cursor kit.query uses


class Result:
    """A Spark query's result, read as an Arrow table like a DuckDB relation."""

    def __init__(self, frame) -> None:
        self.frame = frame

    def to_arrow_table(self) -> pa.Table:
        return self.frame.toArrow()


class Cursor:
    """Runs kit.query's DuckDB SQL on Spark: `cursor.sql(sql, params=…)` → `Result`."""

    def __init__(self, snap: warehouse.Snapshot) -> None:
        self.snapshot = snap

    def sql(self, query: str, params: Mapping[str, object] | Sequence[object] | None = None):
        tables = views(self.snapshot)
        return Result(session().sql(translate(query, params, tables)))


def cursor(
    warehouse_dir: str | os.PathLike | None = None,
    *,
    version: int | None = None,
    snapshot: warehouse.Snapshot | None = None,
) -> Cursor:
    """A Spark cursor on one snapshot of this warehouse: `snapshot`, else `version`, else
    the latest committed version (the session starts on first use)."""
    snap = snapshot or warehouse.snapshot(warehouse_dir, version)
    if snapshot is not None and snap.version:
        warehouse.read_version(snap.root, snap.version)  # still kept, else VersionGone
    return Cursor(snap)
