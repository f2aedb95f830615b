"""The ``ntm`` command: a thin shell over the package API.

Each subcommand parses its options, makes one call into the package and
prints the result. Exit codes: 0 all clean; 1 finished with rejects, findings,
unreadable files or failed pages; 2 usage error or nothing could be read.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import config
from . import labels as lb
from .errors import NoDataError, NtmError

EXIT_OK, EXIT_ISSUES, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _print(lines: Sequence[str] | str, *, file=None) -> None:
    if isinstance(lines, str):
        lines = [lines]
    for line in lines:
        try:
            print(line, file=file or sys.stdout)
        except BrokenPipeError:  # the rest is not wanted; the command still ends normally
            _silence_stdout()
            return


def _silence_stdout() -> None:
    """The reader of our output went away (``ntm ... | head``): drop the rest quietly.

    Standard output is pointed at the null device, so neither later prints nor
    the interpreter's final flush raise ``BrokenPipeError`` again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (captured output)
        pass


def cmd_sample(args: argparse.Namespace) -> int:
    from .sample import write_sample
    from .sample_plans import write_sample_plans

    paths = write_sample(Path(args.out), seed=args.seed)
    plans = write_sample_plans(Path(args.out))
    _print(lb.message("cli_sample_written", files=len(paths), plans=len(plans), path=args.out))
    return EXIT_OK


def _clean_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw", default=str(config.RAW_DATA_DIR), help="raw data folder (default: %(default)s)"
    )
    parser.add_argument(
        "--province",
        metavar="FILE",
        help="province detailing set (.yaml or annex-shaped spreadsheet) to lay over the catalog",
    )
    parser.add_argument(
        "--registry", metavar="FILE", help="commune registry CSV (default: the bundled one)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def cmd_clean(args: argparse.Namespace) -> int:
    from .pipeline import clean_folder
    from .task_workbooks import import_raw_plan_folders

    summary = clean_folder(
        args.raw,
        args.out,
        province_file=args.province,
        registry_file=args.registry,
        progress=not args.quiet,
    )
    plans = import_raw_plan_folders(summary.raw_dir, summary.ingest_report, summary.out_dir)
    if not args.quiet:
        _print(summary.lines() + (plans.lines() if plans is not None else []))
    return max(summary.exit_code, plans.exit_code if plans is not None else EXIT_OK)


def cmd_check(args: argparse.Namespace) -> int:
    import json

    from .pipeline import run_clean

    summary = run_clean(
        args.path or args.raw,
        province_file=args.province,
        registry_file=args.registry,
        progress=not args.quiet and not args.json,
    )
    if args.json:
        _print(json.dumps(summary.full_report(), ensure_ascii=False, indent=2, default=str))
    else:
        _print(summary.lines())
        for r in summary.rejects.head(args.show).itertuples(index=False):
            _print(
                lb.message(
                    "cli_check_reject",
                    file=r.source_file,
                    sheet=r.source_sheet,
                    row=r.source_row,
                    text=r.message,
                )
            )
        for f in summary.findings.head(args.show).itertuples(index=False):
            _print(
                lb.message(
                    "cli_check_finding",
                    year=f.year,
                    commune=f.commune,
                    subject=f.subject,
                    text=f.message,
                )
            )
    return summary.exit_code


def cmd_catalog(args: argparse.Namespace) -> int:
    from .catalog import load_catalog

    catalog = load_catalog(args.province)
    set_id = args.set
    if set_id is not None:
        catalog.get(set_id)  # an unknown id is one line naming the known ones
    if args.year is not None:
        set_id = catalog.set_for_year(args.year, level=args.level).id
    frame = catalog.to_frame(lang=args.lang, set_id=set_id)
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        _print(frame.to_json(orient="records", force_ascii=False, indent=1))
    else:
        for cset in catalog.sets:
            if set_id is not None and cset.id != set_id:
                continue
            n_ind = len(cset.indicators)
            n_thr = sum(1 for i in cset.indicators if i.thresholds)
            _print(
                lb.message(
                    "cli_catalog_set",
                    id=cset.id,
                    name=cset.name(args.lang),
                    decision=cset.decision,
                    annex=cset.annex,
                    first=cset.first_year,
                    last=cset.last_year,
                    criteria=len(cset.criteria),
                    indicators=n_ind,
                    thresholds=n_thr,
                )
            )
            if cset.caveat:
                _print(lb.message("cli_catalog_caveat", text=cset.caveat))
            unconfirmed = sum(1 for i in cset.indicators if not i.text_confirmed)
            if unconfirmed:
                _print(lb.message("cli_catalog_unconfirmed", n=unconfirmed, total=n_ind))
            for ind in cset.indicators:
                for t in ind.thresholds:
                    if t.certainty or t.note:
                        where = ", ".join(
                            str(x)
                            for x in (t.region or lb.message("cli_catalog_general"), t.year)
                            if x is not None
                        )
                        said = "; ".join(x for x in (t.certainty, t.note) if x)
                        _print(f"  {ind.code} [{where}] {t.text}: {said}")
    return EXIT_OK


def split_list(values: Sequence[str] | None) -> list[str] | None:
    """Values of a repeatable option, each possibly comma-separated; None when empty.

    >>> split_list(["Quảng Tân,Quảng Lâm", "Dực Yên"])
    ['Quảng Tân', 'Quảng Lâm', 'Dực Yên']
    """
    if not values:
        return None
    out = [v.strip() for item in values for v in item.split(",") if v.strip()]
    return out or None


def _render_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--processed",
        default=str(config.PROCESSED_DATA_DIR),
        metavar="DIR",
        help="processed data folder (default: %(default)s)",
    )
    parser.add_argument(
        "--out",
        default=str(config.OUTPUTS_DIR),
        metavar="DIR",
        help="output folder for the pages and index.html (default: %(default)s)",
    )
    parser.add_argument(
        "--year",
        dest="years",
        type=int,
        action="append",
        metavar="YEAR",
        help="year to render; repeat for several (default: the latest year of each criteria set)",
    )
    parser.add_argument(
        "--area",
        metavar="AREA",
        help="area reviewed: 'Tỉnh Quảng Ninh' (or province), 'Huyện Đầm Hà' (or district; "
        "years before 07/2025), 'huyện Đầm Hà cũ' (or former-district: the communes that "
        "succeeded its units) (default: the district before 01/07/2025, the province after)",
    )
    parser.add_argument(
        "--commune",
        dest="communes",
        action="append",
        metavar="NAME",
        help="commune profile to render ('Quảng Tân', 'quang-tan'); repeat or comma-separate "
        "(default: all)",
    )
    parser.add_argument(
        "--department",
        dest="departments",
        action="append",
        metavar="NAME",
        help="department report to render; repeat or comma-separate (default: all)",
    )
    parser.add_argument(
        "--kind",
        dest="kinds",
        action="append",
        choices=sorted(config.PAGE_NOTEBOOKS),
        help="page kinds to render; repeat for several (default: district, commune and "
        "department, or only the communes and departments named)",
    )
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        help="pages rendered in parallel, at least 1 (default: CPU cores)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on an existing Dask cluster (e.g. tcp://10.0.0.5:8786) instead of locally",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def cmd_render(args: argparse.Namespace) -> int:
    from .render import render_review

    summary = render_review(
        processed_dir=args.processed,
        out_dir=args.out,
        years=args.years,
        area=args.area,
        communes=split_list(args.communes),
        departments=split_list(args.departments),
        jobs=args.jobs,
        scheduler=args.scheduler,
        lang=args.lang,
        progress=not args.quiet,
        kinds=args.kinds,
    )
    _print(summary.lines(), file=sys.stderr if summary.failures else sys.stdout)
    return summary.exit_code


def cmd_tasks_export(args: argparse.Namespace) -> int:
    from .task_workbooks import export_task_workbooks

    summary = export_task_workbooks(
        args.out, processed_dir=args.processed, year=args.year, department=args.department
    )
    _print(summary.lines())
    return EXIT_OK


def cmd_tasks_import(args: argparse.Namespace) -> int:
    from .task_workbooks import import_task_workbooks

    summary = import_task_workbooks(args.dir, processed_dir=args.processed)
    _print(summary.lines())
    return summary.exit_code


def _tasks_parser(sub) -> None:
    p = sub.add_parser(
        "tasks", help="task workbooks: export them to departments, import their plans back"
    )
    actions = p.add_subparsers(dest="tasks_command", required=True, metavar="ACTION")
    processed = {
        "default": str(config.PROCESSED_DATA_DIR),
        "help": "processed data folder (default: %(default)s)",
    }
    e = actions.add_parser(
        "export", help="write one task workbook per department plus a combined one"
    )
    e.add_argument("--processed", **processed)
    e.add_argument("--year", type=int, help="data year of the tasks (default: the latest)")
    e.add_argument("--department", metavar="NAME", help="only this department (name or id)")
    e.add_argument("--out", required=True, metavar="DIR", help="folder to write the workbooks to")
    e.set_defaults(func=cmd_tasks_export)
    i = actions.add_parser(
        "import", help="read filled task workbooks into plans.parquet (exit 1 on rejects)"
    )
    i.add_argument("dir", metavar="DIR", help="folder of filled workbooks (sub-folders included)")
    i.add_argument("--processed", **processed)
    i.set_defaults(func=cmd_tasks_import)


def cmd_province_draft(args: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .pipeline import read_records
    from .province import draft_province_set, stated_target_sets, write_province_draft
    from .registry import load_registry

    records = read_records(Path(args.processed) / config.RECORDS_FILE)
    catalog = load_catalog()
    draft = draft_province_set(
        records, catalog, registry=load_registry(args.registry), set_id=args.set
    )
    path = write_province_draft(draft, args.out)
    _print(lb.message("cli_province_draft", n=len(draft["thresholds"]), path=path))
    others = [c.id for c in stated_target_sets(records, catalog) if c.id != draft["base_set"]]
    if others:
        _print(
            lb.message("cli_province_draft_others", base=draft["base_set"], sets=", ".join(others))
        )
    return EXIT_OK


def cmd_province_template(args: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .province import write_province_template

    path = write_province_template(load_catalog(), args.out, year=args.year, set_id=args.set)
    _print(lb.message("cli_province_template", path=path))
    return EXIT_OK


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (for ``--jobs``)."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(lb.message("cli_jobs_not_positive", text=text))
    return number


def _lang_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """``--lang``: one setting, given before or after the subcommand (``ntm --lang en render``
    or ``ntm render --lang en``); a subcommand's copy never overwrites the global one."""
    parser.add_argument(
        "--lang",
        choices=config.LANGS,
        default=config.DEFAULT_LANG if top else argparse.SUPPRESS,
        help="language of messages, tables and pages: vi (Vietnamese, the default unless "
        "NTM_LANG says otherwise) or en",
    )


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line in the language of the run."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_USAGE, lb.message("cli_usage_error", prog=self.prog, text=message) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ntm",
        description="Clean, evaluate and report commune data of the New Rural Development "
        "(nông thôn mới) programme.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    _lang_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("sample", help="write the bundled synthetic sample into data/raw/sample/")
    p.add_argument("--out", default=str(config.SAMPLE_RAW_DIR), help="(default: %(default)s)")
    p.add_argument("--seed", type=int, default=2024, help="random seed (default: %(default)s)")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("clean", help="read a raw folder and write the processed tables")
    _clean_options(p)
    p.add_argument(
        "--out",
        default=str(config.PROCESSED_DATA_DIR),
        help="processed data folder (default: %(default)s)",
    )
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("check", help="validate a raw folder and print the report; writes nothing")
    _clean_options(p)
    p.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="a raw folder or a single file to check (default: --raw)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the ingest report with every finding and reject as JSON",
    )
    p.add_argument("--show", type=int, default=20, help="rejects/findings to list (default: 20)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("catalog", help="print the criteria catalog in use")
    p.add_argument("--format", choices=("csv", "json", "summary"), default="summary")
    p.add_argument("--set", help="only this criteria set id (e.g. qd318_2022_commune)")
    p.add_argument("--year", type=int, help="only the set that applies to this data year")
    p.add_argument(
        "--level", default="commune", choices=("commune", "commune_advanced", "district")
    )
    p.add_argument("--province", metavar="FILE", help="province detailing set to lay over it")
    p.set_defaults(func=cmd_catalog)

    p = sub.add_parser("province", help="write a province set: a draft from reports, or a template")
    province = p.add_subparsers(dest="province_command", required=True, metavar="ACTION")
    q = province.add_parser("draft", help="infer a draft province set (YAML) from stated targets")
    q.add_argument(
        "--processed",
        default=str(config.PROCESSED_DATA_DIR),
        help="processed data folder written by ntm clean (default: %(default)s)",
    )
    q.add_argument("--registry", metavar="FILE", help="commune registry (default: the bundled one)")
    q.add_argument(
        "--set",
        metavar="ID",
        help="criteria set to draft (default: the latest one with stated targets whose "
        "indicators the catalog lists)",
    )
    q.add_argument("--out", required=True, metavar="FILE.yaml")
    q.set_defaults(func=cmd_province_draft)
    q = province.add_parser("template", help="write the annex-shaped workbook to type a set into")
    which = q.add_mutually_exclusive_group()
    which.add_argument("--year", type=int, help="the set that applies to this data year")
    which.add_argument("--set", help="criteria set id (default: qd318_2022_commune)")
    q.add_argument("--out", required=True, metavar="FILE.xlsx")
    q.set_defaults(func=cmd_province_template)

    _tasks_parser(sub)

    p = sub.add_parser("render", help="execute the review notebooks and publish HTML")
    _render_options(p)
    p.set_defaults(func=cmd_render)
    _lang_everywhere(parser)
    return parser


def _lang_everywhere(parser: argparse.ArgumentParser) -> None:
    """Let every subcommand take ``--lang`` after its name too (the same one setting)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                if "--lang" not in sub._option_string_actions:
                    _lang_option(sub)
                _lang_everywhere(sub)


def main(argv: Sequence[str] | None = None) -> int:
    env_lang = os.environ.get(config.LANG_ENV)
    if env_lang not in (None, "", *config.LANGS):
        _print(lb.message("cli_bad_env_lang", value=env_lang), file=sys.stderr)
        return EXIT_USAGE
    with lb.language(_requested_lang(argv)):  # the options' own errors follow --lang too
        args = build_parser().parse_args(argv)
    with lb.language(args.lang):  # every message of the run, and only of this run
        return _run(args)


def _requested_lang(argv: Sequence[str] | None) -> str:
    """The ``--lang`` given anywhere on the command line (before the options are checked)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", choices=config.LANGS, default=config.DEFAULT_LANG)
    try:
        known, _ = early.parse_known_args(argv)
    except SystemExit:  # an unknown --lang: the real parser says so
        return config.DEFAULT_LANG
    return known.lang


def _run(args: argparse.Namespace) -> int:
    try:
        code = int(args.func(args))
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except NoDataError as exc:
        _print(lb.message("cli_no_data", text=exc), file=sys.stderr)
        return EXIT_USAGE
    except NtmError as exc:
        _print(lb.message("cli_error", text=exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        _print(lb.message("cli_interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad data: one line unless --debug
        if args.debug:
            traceback.print_exc()
        else:
            _print(
                lb.message("cli_internal_error", kind=type(exc).__name__, text=exc),
                file=sys.stderr,
            )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
