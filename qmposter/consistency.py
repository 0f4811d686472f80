"""Does a campaign speak for one body in one year? Checked before anything is written.

A campaign copied from the bundled 2010 Jiangsu example, or started from another body's
notice, can carry that body's year, name, 落款 or SMS signature into a county's kit. The
contradictions a user never means (a 2026 campaign whose source notice is from 2010, the
bundled campaign's signature under a county's 落款) are CampaignErrors naming both places
and the fix. What a user may mean (a county reprinting the national slogans under its own
name) is a one-line warning saying what is reused from whom.

Year against `name` and the hotline against the year are checked when the file is read
(qmposter.campaign); what needs the catalogue is checked here.
"""

from __future__ import annotations

from qmposter.campaign import Campaign, campaign_slogans, default_campaign_path, load_campaign
from qmposter.catalogue.catalogue import Catalogue, Source
from qmposter.errors import CampaignError


def check_campaign(campaign: Campaign, catalogue: Catalogue) -> list[str]:
    """Raise CampaignError on a contradiction; return the warnings to print (one line each).

    `campaign` must be what load_campaign read from `campaign.path`: the bundled file's own path stands
    for the bundled example's contents (see _check_bundled_identity). A draft given another file's path
    (the studio's campaign_form.check makes `replace(draft, path=path)`) must not be passed with the
    bundled file's path: it would be compared with itself."""
    if campaign.path is None:
        return []  # the bundled example itself
    _check_source_year(campaign, catalogue)
    _check_bundled_identity(campaign, catalogue)
    return [w for w in (_reused_source(campaign, catalogue), _older_slogans(campaign, catalogue)) if w]


def _check_source_year(campaign: Campaign, catalogue: Catalogue) -> None:
    source = catalogue.sources.get(campaign.source or "")
    if source is None or source.year is None or source.year == campaign.year:
        return
    raise CampaignError(
        f'活动文件 {campaign.path}：year = {campaign.year}，而 source = "{campaign.source}"'
        f"（{source.path or source.stem}）是 {source.year} 年的通知：两处年份矛盾。",
        hint=f"导入 {campaign.year} 年的通知（qmposter slogans import 通知.txt --campaign {campaign.path}）"
        f"并把 source 改成它；或者确是 {source.year} 年的活动，把 year 改为 {source.year}。",
    )


def _check_bundled_identity(campaign: Campaign, catalogue: Catalogue) -> None:
    """The bundled example's 落款 or signature on a campaign of another year, source or 落款.

    A campaign whose path is the bundled file is taken to hold that file's contents (true of every
    caller: each passes what load_campaign read from the path), so it is the example and the file is
    not read a second time (`qmposter build` without --campaign, or with the bundled file)."""
    example = campaign if campaign.path == default_campaign_path() else load_campaign()
    if campaign.issuers == example.issuers and (campaign.year, campaign.source) == (example.year, example.source):
        return  # a copy of the example itself: it speaks for its own bodies
    who = f"内置示例活动（{example.name}，{example.issuers[0]}等）"
    shared = [issuer for issuer in campaign.issuers if issuer in example.issuers]
    if shared:
        raise CampaignError(
            f"活动文件 {campaign.path}：issuers 中的“{shared[0]}”是{who}的落款，"
            f"而本活动是 {campaign.year} 年、source = \"{campaign.source or '（无）'}\"。",
            hint="把 issuers 改成本次活动的落款单位（如“某某县市场监督管理局”）；"
            "确是这些单位的活动时，把 year 和 source 也改成它们的通知。",
        )
    signature = campaign.sms_signature or ""
    region = _region_word(catalogue.sources.get(example.source or ""))
    borrowed = signature == example.sms_signature or (region and region in signature)
    if signature and borrowed and not any(region and region in issuer for issuer in campaign.issuers):
        raise CampaignError(
            f'活动文件 {campaign.path}：[sms] signature = "{signature}" 是{who}的短信签名，'
            f"而本活动的落款是 {'、'.join(campaign.issuers) or '（空）'}。",
            hint="把 signature 改成本单位在短信平台报备的签名，如“【某某县市场监管】”。",
        )


def _region_word(source: Source | None) -> str:
    """江苏省 → 江苏: the word a signature would use for the example's region."""
    region = (source.region or "") if source else ""
    return region[:-1] if len(region) > 2 and region[-1] in "省市县区" else region


def _reused_source(campaign: Campaign, catalogue: Catalogue) -> str | None:
    source = catalogue.sources.get(campaign.source or "")
    if source is None or not source.issuers or not campaign.issuers:
        return None
    if set(campaign.issuers) <= set(source.issuers):
        return None
    title = f"《{source.title}》" if source.title else source.stem
    bodies = f"{source.issuers[0]}等 {len(source.issuers)} 个单位" if len(source.issuers) > 1 else source.issuers[0]
    return f"注意：口号和活动内容取自{title}（{bodies}发文），落款印为 {'、'.join(campaign.issuers)}。"


def _older_slogans(campaign: Campaign, catalogue: Catalogue) -> str | None:
    if campaign.slogan_select not in ("ids", "all"):
        return None
    older = [e for e in campaign_slogans(campaign, catalogue) if campaign.year not in e.years]
    if not older:
        return None
    years = sorted({max(e.years) for e in older})
    return (
        f"注意：选用的口号中有 {len(older)} 条不在 {campaign.year} 年的通知上"
        f"（最近用于 {'、'.join(map(str, years))} 年），将照样印出。"
    )
