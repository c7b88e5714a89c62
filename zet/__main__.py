"""``python -m zet``: the same as the ``zet`` command (zet serve starts its worker this way)."""
from zet.cli import main

main()
