"""qmposter: turns 质量月 notices into a publicity kit (slogans, posters, banners, leaflets, SMS)."""

__version__ = "0.1.0"

# before any of qmposter's dataclasses is made: their methods' code comes from the user cache folder
from qmposter import dataclass_code as _dataclass_code

_dataclass_code.install()
