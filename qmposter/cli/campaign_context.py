"""The campaign and catalogue a command works on, checked once, with warnings on stderr.

Every command given `--campaign` reads the bundled catalogue merged with the campaign's
own folder; `--catalogue DIR` replaces both with that one folder.
"""

from __future__ import annotations

from pathlib import Path

import click

from qmposter.campaign import (
    CAMPAIGN_FILE_NAME,
    Campaign,
    bundled_and_own,
    campaign_catalogue,
    load_campaign,
    own_catalogue_dir,
)
from qmposter.catalogue.catalogue import Catalogue, load_catalogue

CAMPAIGN_HELP = "活动文件 campaign.toml（默认：内置的示例活动）；口号库为内置口号库加本活动自己的口号库。"


def checked_campaign(campaign_path: Path | None, catalogue_dir: Path | None = None) -> tuple[Campaign, Catalogue]:
    """Load the campaign and its catalogue, refuse contradictions, print warnings (one line each)."""
    from qmposter.consistency import check_campaign

    if campaign_path is None and Path(CAMPAIGN_FILE_NAME).is_file():
        click.echo(
            f"注意：没有给 --campaign，用的是内置示例活动（2010 年江苏省）；"
            f"当前文件夹中的 {CAMPAIGN_FILE_NAME} 没有用上，要用它请加 --campaign {CAMPAIGN_FILE_NAME}。",
            err=True,
        )
    campaign = load_campaign(campaign_path)
    catalogue = campaign_catalogue(campaign, catalogue_dir)
    for warning in check_campaign(campaign, catalogue):
        click.echo(warning, err=True)
    return campaign, catalogue


def catalogue_for(campaign_path: Path | None, catalogue_dir: Path | None) -> Catalogue:
    """The catalogue of `slogans list|variants`: a folder, a campaign's (bundled + own), or the bundled one."""
    if catalogue_dir is not None:
        return load_catalogue(catalogue_dir)
    if campaign_path is not None:
        return bundled_and_own(own_catalogue_dir(campaign_path))
    return load_catalogue()
