"""Cohort scoring from files: ``bayesnet batch IN -o OUT`` (CSV, or Parquet when pyarrow is installed).

Rows are read and scored in chunks, so memory stays bounded whatever the file size. Bad rows are reported with
their row number and column in an errors file and on standard error; the good rows are all scored and written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from .errors import BayesnetError

__all__ = ["run_batch"]


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def _chunks(path: Path, chunk_size: int):
    if _is_parquet(path):
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise BayesnetError("reading Parquet needs pyarrow: pip install pyarrow (or give a CSV file)") from None
        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=chunk_size):
            yield batch.to_pandas()
        return
    try:
        reader = pd.read_csv(path, chunksize=chunk_size, dtype=str, keep_default_na=True, na_values=[""])
        for chunk in reader:
            yield chunk
    except pd.errors.ParserError as exc:
        raise BayesnetError(f"{path}: not a readable CSV ({str(exc).splitlines()[0]})") from None
    except pd.errors.EmptyDataError:
        raise BayesnetError(f"{path}: the file is empty; expected a header row of node ids") from None


def _prepare(chunk: pd.DataFrame) -> pd.DataFrame:
    """CSV text to evidence values: age to numbers where it is numeric (other text is kept for the error)."""
    if "age" not in chunk.columns:
        return chunk
    out = chunk.copy()
    text = out["age"].astype(object)
    num = pd.to_numeric(text, errors="coerce")
    out["age"] = num.astype(object).where(num.notna() | text.isna(), text)
    return out


def run_batch(input_path, output_path, *, setting: str = "primary_care", priors=None, assume_complaint: bool = True,
              chunk_size: int = 50_000, errors_path=None, progress: bool | None = None) -> int:
    """Score every row of ``input_path`` into ``output_path``; returns the exit status (0, or 2 if any row was bad)."""
    from .model import load_model

    src, dst = Path(input_path), Path(output_path)
    if not src.is_file():
        raise BayesnetError(f"input file {str(src)!r} not found")
    if chunk_size < 1:
        raise BayesnetError(f"--chunk-size must be a positive number of rows, got {chunk_size}")
    model = load_model(setting, priors=priors)
    err_path = Path(errors_path) if errors_path else dst.with_name(dst.stem + ".errors.csv")
    show = sys.stderr.isatty() if progress is None else progress
    written = bad_rows = 0
    problems = []
    parquet_writer = None
    first = True
    offset = 0
    for chunk in _chunks(src, chunk_size):
        chunk.index = pd.RangeIndex(offset + 2, offset + 2 + len(chunk))  # file line numbers (header is line 1)
        if first:
            dup = [c for c in chunk.columns if str(c).endswith(".1") and str(c)[:-2] in chunk.columns]
            if dup:
                raise BayesnetError(f"{src}: duplicate column(s) {', '.join(repr(str(c)[:-2]) for c in dup)}")
        evidence = _prepare(chunk)
        marg, none, possible, frame, assumed = model._batch(evidence, assume_complaint=assume_complaint,
                                                            chunk_size=len(chunk) or 1, progress=False)
        good = possible.copy()
        if frame is not None:
            good[frame["position"].to_numpy()] = False
            problems.append(frame)
            bad_rows += int((~good).sum())
        out = pd.DataFrame(marg[good, : len(model.diseases)], columns=list(model.diseases))
        out.insert(0, "row", chunk.index[good])
        out["none_of_the_eight"] = none[good]
        out["complaint_assumed"] = assumed[good]
        if _is_parquet(dst):
            try:
                import pyarrow as pa
                import pyarrow.parquet as pq
            except ImportError:
                raise BayesnetError("writing Parquet needs pyarrow: pip install pyarrow (or give a .csv output)") \
                    from None
            table = pa.Table.from_pandas(out, preserve_index=False)
            if parquet_writer is None:
                parquet_writer = pq.ParquetWriter(dst, table.schema)
            parquet_writer.write_table(table)
        else:
            out.to_csv(dst, mode="w" if first else "a", header=first, index=False)
        written += len(out)
        offset += len(chunk)
        first = False
        if show:
            end = "\r" if sys.stderr.isatty() else "\n"
            sys.stderr.write(f"batch: {offset:,} rows read, {written:,} scored, {bad_rows:,} bad{end}")
            sys.stderr.flush()
    if parquet_writer is not None:
        parquet_writer.close()
    if first:
        raise BayesnetError(f"{src}: no rows to score")
    if show and sys.stderr.isatty():
        sys.stderr.write("\n")
    if problems:
        allp = pd.concat(problems, ignore_index=True).rename(columns={"row": "line"}).drop(columns="position")
        allp.to_csv(err_path, index=False)
        first_bad = allp.iloc[0]
        sys.stderr.write(f"bayesnet: {bad_rows:,} bad row(s) not scored, listed in {err_path} "
                         f"(first: line {first_bad['line']}, column {first_bad['column'] or '-'}: "
                         f"{first_bad['message']}); {written:,} rows scored into {dst}\n")
        return 2
    sys.stderr.write(f"bayesnet: {written:,} rows scored into {dst}\n") if show else None
    return 0
