"""`python -m tests.fuzz --n 2000 [--start S] [--second-order] [--save]`: a long campaign.

Prints `N programs, N correct, N rejected, N wrong` (and N skipped), and
the seed and detail of every wrong program, whose source it keeps. With
`--save`, each wrong program is shrunk and written to
tests/fuzz/regressions/seed_S.py, where the normal test suite runs it.
"""
import argparse
import collections
import pathlib
import sys
import tempfile

from . import check, generate
from .shrink import shrink

REGRESSIONS = pathlib.Path(__file__).parent / "regressions"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--keep", default=None, help="folder for the programs (default: a temp dir)")
    parser.add_argument("--second-order", action="store_true",
                        help="also check each correct program's Hessian-vector product")
    parser.add_argument("--save", action="store_true",
                        help="shrink wrong programs into tests/fuzz/regressions/")
    args = parser.parse_args(argv)
    folder = pathlib.Path(args.keep or tempfile.mkdtemp(prefix="tangentish-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)
    counts = collections.Counter()
    for seed in range(args.start, args.start + args.n):
        path = folder / f"fuzz_{seed}.py"
        path.write_text(generate(seed))
        verdict, detail = check(path, seed, second_order=args.second_order)
        counts[verdict] += 1
        counts["hvp refused"] += detail.startswith("hvp refused")
        if detail.startswith("hvp refused"):
            print(f"seed {seed}: {detail}", flush=True)
        counts["hvp unchecked"] += detail.startswith("hvp not checked")
        if verdict == "wrong":
            print(f"WRONG seed {seed}: {detail} ({path})", flush=True)
            if args.save:
                saved = REGRESSIONS / f"seed_{seed}.py"
                saved.write_text(f"# Found by `python -m tests.fuzz`, seed {seed}, shrunk: {' '.join(detail.split())}\n"
                                 + shrink(path.read_text(), seed))
                print(f"  shrunk into {saved}", flush=True)
        elif verdict != "rejected":
            path.unlink()
    print(f"{args.n} programs, {counts['correct']} correct, {counts['rejected']} rejected, "
          f"{counts['wrong']} wrong ({counts['skipped']} skipped: not smooth at the point)")
    if args.second_order:
        print(f"hvp: {counts['hvp refused']} of the correct refused, "
              f"{counts['hvp unchecked']} not checked (gradient not smooth at the point)")
    return 1 if counts["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
