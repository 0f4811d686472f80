"""qmposter: turns 质量月 notices into a publicity kit (slogans, posters, banners, leaflets, SMS)."""

__version__ = "0.1.0"
