"""The studio's state: which campaign folder it serves and the services that act on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qmposter.campaign import CAMPAIGN_FILE_NAME, Campaign, load_campaign
from qmposter.catalogue.catalogue import Catalogue, Entry
from qmposter.errors import QmposterError
from qmposter.studio import seams
from qmposter.studio.jobs import BuildJobs
from qmposter.studio.previews import PreviewService
from qmposter.studio.security import UPLOAD_LIMIT, Secrets, inside

UNITS_FILE = "units.csv"


@dataclass
class Studio:
    """One campaign folder (campaign.toml, its slogans/, notices/ and output) and its services."""

    campaign_path: Path
    templates_dir: Path | None
    keys: Secrets
    upload_limit: int = UPLOAD_LIMIT
    previews: PreviewService = field(init=False)
    jobs: BuildJobs = field(default_factory=BuildJobs)
    _catalogue: tuple[tuple, Catalogue] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.campaign_path = self.campaign_path.resolve()
        if self.campaign_path.is_dir() or self.campaign_path.suffix != ".toml":
            self.campaign_path = self.campaign_path / CAMPAIGN_FILE_NAME
        self.previews = PreviewService(self.templates_dir)

    @property
    def folder(self) -> Path:
        return self.campaign_path.parent

    @property
    def exists(self) -> bool:
        return self.campaign_path.is_file()

    def campaign(self) -> Campaign:
        return load_campaign(self.campaign_path)

    def catalogue(self) -> Catalogue:
        """The bundled catalogue merged with the campaign's own, read again only when one of its files changes."""
        folder = seams.own_folder(self.campaign_path)
        files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
        key = (folder, tuple((f, f.stat().st_mtime_ns) for f in files))
        if self._catalogue is None or self._catalogue[0] != key:
            self._catalogue = (key, seams.campaign_catalogue(self.campaign_path))
        return self._catalogue[1]

    def checked_campaign(self) -> tuple[Campaign, list[str]]:
        """The campaign as `build`/`sms`/`leaflet` accept it (contradictions raise) and its warnings."""
        campaign = self.campaign()
        return campaign, seams.campaign_warnings(campaign, self.catalogue())

    def out_dir(self, campaign: Campaign) -> Path:
        """build.out, taken relative to the campaign folder and kept inside it."""
        return inside(self.folder, str(campaign.out_dir))

    def notices_dir(self) -> Path:
        folder = self.folder / "notices"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def selected(self, campaign: Campaign, catalogue: Catalogue) -> list[Entry]:
        """The campaign's slogans, or the catalogue's current ones when its selection finds none."""
        try:
            picked = seams.campaign_slogans(campaign, catalogue)
        except QmposterError:
            picked = []
        return picked or catalogue.current()

    @property
    def units_path(self) -> Path:
        """The campaign's units list (`build --units`), uploaded on the 生成 page."""
        return self.folder / UNITS_FILE

    def build_request(self, campaign: Campaign, *, force: bool = False) -> seams.BuildRequest:
        units = self.units_path if self.units_path.is_file() else None
        return seams.BuildRequest(
            campaign_path=self.campaign_path, out=self.out_dir(campaign), force=force, units_path=units,
            templates_dir=self.templates_dir,
        )  # fmt: skip
