"""Command line for the course's data files (kept apart from ``data`` so that running it
with ``python -m`` does not re-import a module the package has already imported).

    python -m ngopt_course.make_data --write-london          # in a checkout: both committed copies
    python -m ngopt_course.make_data --write-london PATH     # anywhere: the file PATH (a new one;
                                                             #   --overwrite replaces an existing one)
    python -m ngopt_course.make_data --large                 # build the m = 5,000,000 set in the cache
"""

import argparse

from .data import LONDON_SEED, checkout_london_csvs, large_dataset, large_dataset_paths, write_london_csv


# Command line: python -m ngopt_course.make_data --write-london [PATH] | --large
# ---------------------------------------------------------------------------

#: What ``--write-london`` holds when no PATH follows it.
_NO_PATH = object()

def main(argv=None):
    """Regenerate the committed London CSV, or build the large set ahead of time."""
    committed = checkout_london_csvs()
    parser = argparse.ArgumentParser(
        prog="python -m ngopt_course.make_data",
        description="Regenerate the course's data files.",
    )
    parser.add_argument(
        "--write-london", nargs="?", const=_NO_PATH, metavar="PATH",
        help="write the synthetic London year to PATH; without PATH, in a repository checkout only, "
             "rewrite its two committed copies"
             + (f" ({committed[0]} and {committed[1]})" if committed else " (this install is not a checkout)"),
    )
    parser.add_argument("--overwrite", action="store_true",
                        help="let --write-london PATH replace an existing file (without it an existing "
                             "file is kept and the command stops with an error; the committed copies of a "
                             "checkout are always rewritten: git keeps their history)")
    parser.add_argument("--seed", type=int, default=LONDON_SEED, help="seed for --write-london")
    parser.add_argument(
        "--large", action="store_true",
        help="build the large set (m = 5,000,000, n = 20, seed 0) in the cache folder",
    )
    args = parser.parse_args(argv)
    if args.write_london is None and not args.large:
        parser.print_help()
        return 2
    if args.write_london is _NO_PATH and committed is None:
        # An installed package never writes into its own folder (site-packages).
        parser.error(
            "--write-london needs a PATH here: ngopt_course is installed as a package, not run "
            "from a repository checkout, so there is no committed copy to rewrite; "
            "give a file, e.g. --write-london london_temperatures.csv"
        )
    if args.write_london is not None:
        # Without PATH the targets are the checkout's committed copies: rewriting them is
        # what the command is for, and git keeps what they were.
        committed_copies = args.write_london is _NO_PATH
        targets = committed if committed_copies else (args.write_london,)
        for target in targets:
            try:
                print(f"wrote {write_london_csv(target, seed=args.seed, overwrite=committed_copies or args.overwrite)}")
            except FileExistsError as err:
                parser.error(str(err))
    if args.large:
        large_dataset()
        for path in large_dataset_paths():
            print(f"ready: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
