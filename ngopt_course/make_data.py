"""Command line for the course's data files (kept apart from ``data`` so that running it
with ``python -m`` does not re-import a module the package has already imported).

    python -m ngopt_course.make_data --write-london [PATH]   # regenerate data/london_temperatures.csv
    python -m ngopt_course.make_data --large                 # build the m = 5,000,000 set in the cache
"""

import argparse

from .data import LONDON_CSV, LONDON_SEED, large_dataset, large_dataset_paths, write_london_csv


# Command line: python -m ngopt_course.make_data --write-london | --large
# ---------------------------------------------------------------------------

def main(argv=None):
    """Regenerate the committed London CSV, or build the large set ahead of time."""
    parser = argparse.ArgumentParser(
        prog="python -m ngopt_course.make_data",
        description="Regenerate the course's data files.",
    )
    parser.add_argument(
        "--write-london", nargs="?", const=str(LONDON_CSV), metavar="PATH",
        help=f"write the synthetic London year (default path: {LONDON_CSV})",
    )
    parser.add_argument("--seed", type=int, default=LONDON_SEED, help="seed for --write-london")
    parser.add_argument(
        "--large", action="store_true",
        help="build the large set (m = 5,000,000, n = 20, seed 0) in the cache folder",
    )
    args = parser.parse_args(argv)
    if args.write_london is None and not args.large:
        parser.print_help()
        return 2
    if args.write_london is not None:
        print(f"wrote {write_london_csv(args.write_london, seed=args.seed)}")
    if args.large:
        large_dataset()
        for path in large_dataset_paths():
            print(f"ready: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
