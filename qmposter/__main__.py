"""Allow `python -m qmposter`."""

from qmposter.cli import main

if __name__ == "__main__":
    main()
