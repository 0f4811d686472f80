"""Content: what one product says — a slogan plus the campaign's fields (and a unit's).

Templates say where things go; Content says what they are. The engine fills text
elements' fields ({year} {theme} {issuer} …) from here and evaluates `when`
conditions against `condition_values()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from qmposter.campaign import Campaign
from qmposter.text import canonical, is_cjk_punct, is_space, split_phrases

ISSUERS_SEPARATOR = "　"  # U+3000: the 落款 bodies of one line, set apart as print does
CAMPAIGN_MONTH = 9  # 质量月 is September every year since 1978: the month a poster is dated
_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Content:
    """A slogan and the fields printed around it.

    `slogan_ref` names the slogan in messages and labels (its alias or id, or "自定义文字").
    `unit` is the unit of a per-unit build ({unit}); its issuer/QR/hotline already replace
    the campaign's here.
    """

    slogan: str
    slogan_ref: str
    year: int
    name: str
    theme: str
    issuers: tuple[str, ...]
    hotline: str
    qr_url: str
    qr_caption: str
    unit: str = ""

    @classmethod
    def from_campaign(cls, campaign: Campaign, slogan: str, slogan_ref: str = "自定义文字") -> Content:
        return cls(
            slogan=canonical(slogan),
            slogan_ref=slogan_ref,
            year=campaign.year,
            name=campaign.name,
            theme=campaign.theme,
            issuers=campaign.issuers,
            hotline=campaign.hotline,
            qr_url=campaign.qr_url,
            qr_caption=campaign.qr_caption,
        )

    @property
    def phrases(self) -> list[str]:
        return split_phrases(self.slogan)

    def fields(self) -> dict[str, str]:
        """The values of the template text fields."""
        return {
            "year": str(self.year),
            "name": self.name,
            "theme": self.theme,
            "issuer": self.issuers[0] if self.issuers else "",
            "issuers": ISSUERS_SEPARATOR.join(self.issuers),
            "issuer_group": issuer_group(self.issuers),
            "event": event_name(self.name, self.year),
            "date": formal_date(self.year, CAMPAIGN_MONTH),
            "hotline": self.hotline,
            "unit": self.unit,
            "qr_caption": self.qr_caption,
            "qr_url": self.qr_url,
        }

    def condition_values(self) -> dict[str, int]:
        """Numbers a template `when` can test: phrases, chars (no punctuation or spaces), issuers, year."""
        chars = sum(1 for ch in self.slogan if not (is_cjk_punct(ch) or is_space(ch) or ch in ",.;:!?"))
        return {"phrases": len(self.phrases), "chars": chars, "issuers": len(self.issuers), "year": self.year}


def issuer_group(issuers: tuple[str, ...]) -> str:
    """The first body and how many there are: 江苏省质量技术监督局等七部门 (never a bare 等)."""
    if len(issuers) <= 1:
        return issuers[0] if issuers else ""
    return f"{issuers[0]}等{chinese_count(len(issuers))}部门"


def chinese_count(n: int) -> str:
    """1–99 in Chinese numerals as counted (二、十、十一、二十三)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def event_name(name: str, year: int) -> str:
    """The campaign name without its leading year (全省“质量月”活动), for layouts that show the year apart."""
    prefix = f"{year}年"
    return name[len(prefix) :].strip() or name if name.startswith(prefix) else name


def formal_date(year: int, month: int) -> str:
    """A 落款 date in Chinese numerals, as official documents write it: 二〇一〇年九月."""
    return "".join(_DIGITS[int(d)] for d in str(year)) + "年" + chinese_count(month) + "月"
